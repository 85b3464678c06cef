public import Catalog
public import OverblikModel
import Foundation

/// The catalog's classifier as the importer uses it.
public struct CatalogClassifier: InventoryClassifying {
    public let catalog: ProductCatalog
    private let classifier: Classifier
    private let idsByName: [String: String]

    public init(catalog: ProductCatalog) {
        self.catalog = catalog
        self.classifier = Classifier(catalog: catalog)
        var names: [String: String] = [:]
        for product in catalog.products {
            names[HeaderRecognizer.normalise(product.name)] = product.id
            names[HeaderRecognizer.normalise(product.id)] = product.id
        }
        self.idsByName = names
    }

    /// The shipped catalog.
    public static func bundled() throws -> CatalogClassifier {
        CatalogClassifier(catalog: try ProductCatalog.bundled())
    }

    public func classify(
        title: String, publisher: String?, version: String?, package: String?, platform: String?
    ) -> Classification {
        classifier.classify(
            InventoryItem(title: title, publisher: publisher, version: version, package: package, platform: platform))
    }

    /// An id (`os2kitos`), a product name ("OS2kitos", "SBSYS"), or a title the classifier recognises
    /// ("LibreOffice", "Microsoft 365").
    public func productID(for text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if catalog.product(id: trimmed) != nil { return trimmed }
        if catalog.product(id: trimmed.lowercased()) != nil { return trimmed.lowercased() }
        if let id = idsByName[HeaderRecognizer.normalise(trimmed)] { return id }
        let answer = classifier.classify(InventoryItem(title: trimmed))
        return answer.isUnknown ? nil : answer.product
    }
}
