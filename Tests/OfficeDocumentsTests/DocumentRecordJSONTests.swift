import Catalog
import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

/// The fast jsonl writer says exactly what `JSONEncoder` says for the same record, for every fixture.
@Suite struct DocumentRecordJSONTests {
    static func fixturePaths() throws -> [String] {
        var paths: [String] = []
        for folder in ["generated", "damaged", "corpus", "legacy"] {
            let dir = Fixtures.url("documents/" + folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name != "README.md" {
                paths.append(dir.appendingPathComponent(name).path)
            }
        }
        return paths.sorted()
    }

    @Test func fastWriterMatchesJSONEncoderForEveryFixture() throws {
        let reader = DocumentReader(
            classifier: Classifier(catalog: try ProductCatalog.bundled()),
            options: DocumentReaderOptions(includePersonalData: true))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var records = try Self.fixturePaths().map { reader.read(path: $0) }
        // Control characters, quotes and non-ASCII in strings; a fractional date.
        var odd = records[0]
        odd.generator = "Quote \" backslash \\ tab \t newline \n bell \u{07} æøå ✓"
        odd.created = Date(timeIntervalSince1970: 1_709_288_430.75)
        odd.personal = PersonalMetadata(creator: "A", keywords: ["x", "y"], userDefined: ["b": "2", "a": "1"])
        records.append(odd)
        // Integers at their edges, zero-padded date fields, an early year (after 1582: Foundation's ISO 8601
        // formatter switches to the Julian calendar before the Gregorian reform).
        var edges = records[1]
        edges.size = Int64.max
        edges.editingCycles = 0
        edges.statistics = ["page-count": 0, "word-count": 1_000_000_007, "character-count": 9]
        edges.modified = Date(timeIntervalSince1970: -8_520_238_555)  // 1700-01-02T03:04:05Z
        edges.created = Date(timeIntervalSince1970: 0)
        records.append(edges)
        #expect(records.count > 60)
        for record in records {
            var fast: [UInt8] = []
            DocumentRecordJSON.append(record, to: &fast)
            let reference = try encoder.encode(record)
            let fastObject = try JSONSerialization.jsonObject(with: Data(fast)) as? NSDictionary
            let referenceObject = try JSONSerialization.jsonObject(with: reference) as? NSDictionary
            #expect(fastObject != nil)
            #expect(fastObject == referenceObject, "\(record.path)")
            let decoded = try decoder.decode(DocumentRecord.self, from: Data(fast))
            #expect(decoded.path == record.path)
            #expect(decoded.generator == record.generator)
        }
    }
}
