import Catalog
import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

/// Real public documents whose producer is told by one particular signal (Strict's app.xml namespace, Office for
/// Mac's name and Mac lines, AbiWord 2.x's bare generator, Hancom Office): each gets the suite and version line
/// `fixtures/documents/producers/labels.tsv` gives it, with the reason.
@Suite struct ProducerFixtureTests {
    struct Label: CustomTestStringConvertible {
        var file: String
        var suite: String
        var versionLine: String?
        var why: String
        var testDescription: String { "\(file) (\(why))" }
    }

    static let folder = Fixtures.url("documents/producers")

    static let labels: [Label] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("labels.tsv"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Label(file: cells[0], suite: cells[1], versionLine: cells[2].isEmpty ? nil : cells[2], why: cells[3])
        }
    }()

    @Test func everyFileInTheFolderIsLabelled() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0 != "labels.tsv" && $0 != "README.md" }
        #expect(Set(files) == Set(Self.labels.map(\.file)))
        #expect(Self.labels.count >= 8)
    }

    @Test(arguments: labels) func theProducerIsTheLabelledOne(_ label: Label) throws {
        let reader = DocumentReader(classifier: Classifier(catalog: try ProductCatalog.bundled()))
        let record = reader.read(path: Self.folder.appendingPathComponent(label.file).path)
        #expect(record.error == nil)
        #expect(record.warnings.isEmpty, "\(record.warnings)")
        #expect(record.suite == label.suite)
        #expect(record.suiteVersionLine == label.versionLine)
    }
}
