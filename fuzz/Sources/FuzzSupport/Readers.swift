import Catalog
public import InventoryImport
public import OfficeDocuments
import OverblikModel

/// The readers the targets drive, built once per process (the catalog is parsed once).
public enum FuzzReaders {
    /// A document reader with the shipped catalog, so classification of what was read is exercised too.
    public static let document = DocumentReader(classifier: catalog.map { Classifier(catalog: $0) })

    /// An inventory importer forced to `format` (nil: detected from the content, as `overblik import` does).
    public static func importer(format: InputFormat?) -> InventoryImporter {
        // An organisation, as `overblik import --organisation` gives: without one most readers stop before the
        // first record (missing-organisation), and the fuzzer would never reach the rows.
        var options = ImportOptions(organisation: 751, hostPseudonymiser: HostPseudonymiser(key: Array("fuzz".utf8)))
        options.inputFormat = format
        return InventoryImporter(classifier: inventoryClassifier, options: options)
    }

    private static let catalog = try? ProductCatalog.bundled()
    private static let inventoryClassifier = InventoryImport.CatalogClassifier(catalog: catalog!)
}
