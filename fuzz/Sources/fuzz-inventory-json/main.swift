// The JSON inventory readers (GLPI, CycloneDX, SPDX, osquery, Defender, winget), format detected from content.
import FuzzSupport
import InventoryImport

let importer = FuzzReaders.importer(format: nil)
FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "json")
    _ = try? importer.importFile(at: file)
}
