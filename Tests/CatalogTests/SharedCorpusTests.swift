import Foundation
import TestSupport
import Testing

/// Opt-in (OVERBLIK_SHARED / OVERBLIK_CORPUS=1): the fixture copies are the shared reference files, so the
/// labelled-data tests classify exactly what the shared data says. Fails when the corpus is required but absent.
@Suite struct SharedCorpusTests {
    static let required = ProcessInfo.processInfo.environment["OVERBLIK_CORPUS_REQUIRED"] == "1"

    @Test(
        .enabled(if: Fixtures.sharedCorpus != nil || required),
        arguments: [
            ("data/software-titles.tsv", "catalog/software-titles.tsv"),
            ("corpus/odf/labels.tsv", "catalog/odf-labels.tsv"),
            ("data/os2-products.csv", "../Sources/Catalog/Resources/os2-products.csv"),
        ])
    func fixtureCopyMatchesSharedData(_ pair: (String, String)) throws {
        let shared = try #require(Fixtures.sharedCorpus, "OVERBLIK_CORPUS_REQUIRED=1 but no shared corpus")
        let original = try Data(contentsOf: shared.appendingPathComponent(pair.0))
        let copy = try Data(contentsOf: Fixtures.url(pair.1))
        #expect(original == copy, "\(pair.1) differs from ../shared/\(pair.0): copy it again")
    }
}
