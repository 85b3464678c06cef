// Tests for OfficeDocuments.
