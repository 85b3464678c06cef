import Catalog
import Foundation
import OverblikModel

/// What the report needs to know about a product, read once from the catalog.
struct ProductFacts: Sendable, Hashable {
    var id: String
    var name: String
    var kind: ProductKind
    var vendor: String?
    var openSource: Bool
    var writesODF: Bool
    var governanceLevel: Int?

    /// A catalog office suite with an open-source licence that writes ODF by default.
    var isOpenODFSuite: Bool { kind == .officeSuite && openSource && writesODF }
}

/// The catalog seen through the report's questions: what a product is, and whether a version line is supported.
struct CatalogView: Sendable {
    let catalog: ProductCatalog
    private let facts: [String: ProductFacts]

    init(_ catalog: ProductCatalog) {
        self.catalog = catalog
        var facts: [String: ProductFacts] = [:]
        for product in catalog.products {
            facts[product.id] = ProductFacts(
                id: product.id, name: product.name, kind: product.kind, vendor: product.vendor,
                openSource: product.openSource, writesODF: !product.writesODF.isEmpty,
                governanceLevel: product.governanceLevel)
        }
        self.facts = facts
    }

    func product(_ id: String) -> ProductFacts? { facts[id] }

    /// End-of-life date when the line is past it on `date`; `supported` nil when the catalog does not know.
    func support(product: String, versionLine: String?, on date: Date) -> (supported: Bool?, endOfLife: String?) {
        switch catalog.supportStatus(product: product, versionLine: versionLine, on: date) {
        case .supported: return (true, nil)
        case .endOfLife(let day): return (false, day)
        case .unknown: return (nil, nil)
        }
    }

    var stampVersion: String { catalog.stamp.version }
    var stampDigest: String { catalog.stamp.digest }
}
