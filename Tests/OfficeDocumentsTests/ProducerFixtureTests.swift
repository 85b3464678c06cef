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

/// `overblik classify --generator` on a scan record's `generator` field gives what the scan gave, for every
/// readable fixture document (ODF generators, and OOXML's `Application AppVersion` as the record joins them).
@Suite struct RecordGeneratorTests {
    @Test func aRecordsGeneratorClassifiesAsTheScanClassifiedIt() throws {
        let classifier = Classifier(catalog: try ProductCatalog.bundled())
        let reader = DocumentReader(classifier: classifier)
        let root = Fixtures.url("documents")
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        var compared = 0
        for path in paths.sorted() where DocumentScanner.isCandidate(path: path) {
            let record = reader.read(path: root.appendingPathComponent(path).path)
            guard record.error == nil, let generator = record.generator else { continue }
            let result = classifier.classify(recordGenerator: generator)
            #expect(result.product == record.suite, "\(path): \(generator)")
            #expect(result.versionLine == record.suiteVersionLine, "\(path): \(generator)")
            compared += 1
        }
        #expect(compared >= 40)
    }
}
