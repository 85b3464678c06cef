// The spreadsheet reader (xlsx and ods over ZipKit/XMLKit, kitos detection): any bytes named .xlsx.
import FuzzSupport
import InventoryImport

let importer = FuzzReaders.importer(format: nil)
FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "xlsx")
    _ = try? importer.importFile(at: file)
}
