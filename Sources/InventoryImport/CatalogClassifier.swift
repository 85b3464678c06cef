public import OverblikModel

// TEMPORARY until the catalog branch lands: replaced by the real adapter over Catalog.Classifier.
public struct CatalogClassifier: InventoryClassifying {
    public static func bundled() throws -> CatalogClassifier { CatalogClassifier() }
    public func classify(
        title: String, publisher: String?, version: String?, package: String?, platform: String?
    ) -> Classification { .unknown }
    public func productID(for text: String) -> String? { nil }
}
