import ArgumentParser
import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

@testable import OverblikCLI

@Suite struct ClassifyCommandTests {
    /// Runs the batch path on `text` and returns the JSON objects written, in order.
    func classifyFile(_ text: String, generator: Bool = false) throws -> [[String: Any]] {
        let directory = try Fixtures.temporaryDirectory("classify")
        let input = directory.appendingPathComponent("input.txt")
        let output = directory.appendingPathComponent("output.jsonl")
        try text.write(to: input, atomically: true, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: output.path, contents: nil))
        let handle = try FileHandle(forWritingTo: output)
        let classifier = Classifier(catalog: try ProductCatalog.bundled())
        try BatchClassifier(classifier: classifier, generatorMode: generator).run(path: input.path, output: handle)
        try handle.close()
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        return try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    /// The header is read as `import` reads it: an export's own column names (ConfigMgr's, here with the title
    /// not first) find the title, publisher and version, and each line classifies as that item alone does.
    @Test func aHeaderIsReadAsImportReadsIt() throws {
        let rows = try classifyFile(
            """
            Publisher0\tNetbios_Name0\tARPDisplayName0\tProductVersion0
            The Document Foundation\tPC-1\tLibreOffice 7.6.4.1\t7.6.4.1
            Microsoft Corporation\tPC-2\tMicrosoft Office Professional Plus 2016\t16.0.4266.1001

            """)
        let classifier = Classifier(catalog: try ProductCatalog.bundled())
        let items = [
            InventoryItem(title: "LibreOffice 7.6.4.1", publisher: "The Document Foundation", version: "7.6.4.1"),
            InventoryItem(
                title: "Microsoft Office Professional Plus 2016", publisher: "Microsoft Corporation",
                version: "16.0.4266.1001"),
        ]
        #expect(rows.count == 2)
        for (row, item) in zip(rows, items) {
            let expected = classifier.classify(item)
            #expect(row["input"] as? String == item.title)
            #expect(row["product"] as? String == expected.product, "\(item.title)")
            #expect(row["version"] as? String == expected.version, "\(item.title)")
        }
        #expect(rows.map { $0["product"] as? String } != ["unknown", "unknown"])
    }

    @Test func tsvGivesOneLinePerInputLineInOrder() throws {
        let rows = try classifyFile(
            """
            title\tpublisher\tversion
            LibreOffice 7.5 Help Pack (Danish)\tThe Document Foundation\t7.5.9.2
            OpenOffice\tApache Software Foundation\t4.116.9816
            Notepad++ (64-bit x64)\tNotepad++ Team\t8.6.9

            LibreOffice 7.5 Help Pack (Danish)\tThe Document Foundation\t7.5.9.2
            "Quoted \\ title"\t\t

            """)
        #expect(rows.count == 6)
        #expect(rows[0]["product"] as? String == "libreoffice")
        #expect(rows[0]["component"] as? String == "help-pack")
        #expect(rows[0]["counts_as_installation"] as? Bool == false)
        #expect(rows[1]["product"] as? String == "apache-openoffice")
        #expect(rows[1]["version"] as? String == "4.1.16")
        #expect(rows[1]["version_line"] as? String == "4.1")
        #expect(rows[2]["product"] as? String == "unknown")
        #expect(rows[3]["input"] as? String == "")
        #expect(rows[4]["rule"] as? String == "libreoffice/inventory#help-pack")
        #expect(rows[5]["input"] as? String == "\"Quoted \\ title\"")
        for row in rows {
            for key in ["input", "product", "version", "version_line", "component", "counts_as_installation", "rule"] {
                #expect(row.keys.contains(key), "missing \(key)")
            }
        }
    }

    @Test func headerColumnsAreFoundByName() throws {
        let rows = try classifyFile(
            "version\tplatform\ttitle\tpublisher\n4:7.4.7-1+deb12u14\tlinux\tlibreoffice-l10n-da\tDebian\n")
        #expect(rows.count == 1)
        #expect(rows[0]["input"] as? String == "libreoffice-l10n-da")
        #expect(rows[0]["version"] as? String == "7.4.7")
        #expect(rows[0]["component"] as? String == "language-pack")
    }

    @Test func generatorFileHasNoHeader() throws {
        let rows = try classifyFile(
            "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/60$Build-1\r\nMicrosoftOffice/16.0 MicrosoftWord\n",
            generator: true)
        #expect(rows.map { $0["product"] as? String } == ["libreoffice", "ms-office"])
        #expect(rows[0]["version_line"] as? String == "7.6")
    }

    @Test func unreadableInputIsAnErrorNamingTheFile() throws {
        let classifier = Classifier(catalog: try ProductCatalog.bundled())
        do {
            try BatchClassifier(classifier: classifier, generatorMode: false).run(
                path: "/nonexistent/titles.tsv", output: .standardOutput)
            Issue.record("a missing file must throw")
        } catch let error as UnreadableInputError {
            #expect(error.description.contains("/nonexistent/titles.tsv"))
        }
    }

    @Test func commandValidation() throws {
        #expect(throws: (any Error).self) { try ClassifyCommand.parse([]) }
        #expect(throws: (any Error).self) { try ClassifyCommand.parse(["x", "--input", "file"]) }
        let command = try ClassifyCommand.parse(["LibreOffice 24.2.7.2", "--explain", "--format", "json"])
        #expect(command.explain)
        #expect(command.format == .json)
    }

    @Test func catalogOptionLoadsUserFilesAndRejectsBadOnes() throws {
        var options = try CatalogOptions.parse(["--catalog", Fixtures.url("catalog/user-catalog.example.yaml").path])
        #expect(try options.loadCatalog().product(id: "aarhus-libreoffice") != nil)
        options = try CatalogOptions.parse(["--catalog", Fixtures.url("catalog/user-catalog.bad.yaml").path])
        #expect(throws: ValidationError.self) { try options.loadCatalog() }
    }

    @Test func catalogCheckFailsOnTheBadExample() throws {
        let bad = try CatalogCommand.Check.parse([Fixtures.url("catalog/user-catalog.bad.yaml").path])
        #expect(throws: ExitCode.self) { try bad.run() }
        let good = try CatalogCommand.Check.parse([Fixtures.url("catalog/user-catalog.example.yaml").path])
        try good.run()
    }

    @Test func jsonEscaping() {
        #expect(ClassificationJSON.string("a\"b\\c\nd\u{1}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
        #expect(ClassificationJSON.string(nil) == "null")
        #expect(ClassificationJSON.string("æøå") == "\"æøå\"")
    }
}
