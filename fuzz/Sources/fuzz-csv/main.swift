// The CSV/TSV reader with encoding detection (UTF-8/16 with and without BOM, Windows-1252), forced to CSV.
import FuzzSupport
import InventoryImport

let importer = FuzzReaders.importer(format: .csv)
FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "csv")
    _ = try? importer.importFile(at: file)
}
