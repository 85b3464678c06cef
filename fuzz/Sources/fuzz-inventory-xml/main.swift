// The agent XML inventory reader (FusionInventory/GLPI/OCS), forced to agent XML.
import FuzzSupport
import InventoryImport

let importer = FuzzReaders.importer(format: .agentXML)
FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "xml")
    _ = try? importer.importFile(at: file)
}
