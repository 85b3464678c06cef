import Catalog
import Foundation
import Testing

/// Every release and end-of-life date the shipped catalog gives cites where it comes from (issue 17): a public
/// address or repository file, or a plain statement that none was found. "From memory" is not a source.
@Suite struct CatalogProvenanceTests {
    static let unverified = "no public source found"

    @Test func everyVersionLineCitesAPublicSourceOrSaysThatNoneWasFound() throws {
        let catalog = try ProductCatalog.bundled()
        var lines = 0
        for product in catalog.products {
            for line in product.versionLines where line.released != nil || line.endOfLife != nil {
                lines += 1
                let source = line.source.lowercased()
                let label = "\(product.id) \(line.line)"
                #expect(!source.contains("from memory"), "\(label): \(line.source)")
                let cites =
                    source.contains("http://") || source.contains("https://") || source.contains(".md")
                    || source.contains(".html") || source.contains(Self.unverified) || source == "as above"
                #expect(cites, "\(label) cites no address, repository file or `\(Self.unverified)`: \(line.source)")
            }
        }
        #expect(lines > 50)
    }

    @Test func noProductNoteRestsOnMemory() throws {
        for product in try ProductCatalog.bundled().products {
            #expect(!(product.notes ?? "").lowercased().contains("from memory"), "\(product.id)")
        }
    }
}
