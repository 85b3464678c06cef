// Tests for InventoryImport.
