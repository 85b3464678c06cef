import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

/// Rows of the shipped copies of the shared reference files (fixtures/catalog/).
enum LabelledData {
    struct TitleRow: Sendable, CustomTestStringConvertible {
        var line: Int
        var title: String
        var publisher: String?
        var platform: String
        var label: String
        var version: String?
        var testDescription: String { "\(line): \(title) [\(label)]" }
    }

    struct GeneratorRow: Sendable, CustomTestStringConvertible {
        var line: Int
        var file: String
        var generator: String
        var suite: String
        var version: String?
        var note: String
        var testDescription: String { "\(line): \(file) \(generator.isEmpty ? "(no generator)" : generator)" }
    }

    static func tsv(_ name: String) -> [[String]] {
        guard let text = try? String(contentsOf: Fixtures.url("catalog/\(name)"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static let titles: [TitleRow] = tsv("software-titles.tsv").enumerated().compactMap { offset, fields in
        guard fields.count >= 5 else { return nil }
        return TitleRow(
            line: offset + 2, title: fields[0], publisher: fields[1].isEmpty ? nil : fields[1], platform: fields[2],
            label: fields[3], version: fields[4].isEmpty ? nil : fields[4])
    }

    static let generators: [GeneratorRow] = tsv("odf-labels.tsv").enumerated().compactMap { offset, fields in
        guard fields.count >= 9 else { return nil }
        return GeneratorRow(
            line: offset + 2, file: fields[0], generator: fields[4], suite: fields[5],
            version: fields[6].isEmpty ? nil : fields[6], note: fields[8])
    }

    /// The labels' `other:X` / `other-office:X` prefixes are the dataset's, not ids: the catalog id is X.
    /// `calligrawords` is a package of the Calligra suite.
    static func catalogID(forLabel label: String) -> String {
        for prefix in ["other-office:", "other:"] where label.hasPrefix(prefix) {
            let id = String(label.dropFirst(prefix.count))
            return id == "calligrawords" ? "calligra" : id
        }
        return label
    }

    /// Leading dotted number of a version (`6.2.0.0.` → `6.2.0.0`, `0.8.8-SNAPSHOT` → `0.8.8`).
    static func numericPrefix(_ version: String) -> String {
        var parts: [String] = []
        for piece in version.split(separator: ".", omittingEmptySubsequences: false) {
            let digits = piece.prefix { $0.isNumber }
            if digits.isEmpty { break }
            parts.append(String(digits))
            if digits.count != piece.count { break }
        }
        return parts.joined(separator: ".")
    }
}

@Suite struct SoftwareTitlesTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())

    @Test func fixtureIsComplete() {
        #expect(LabelledData.titles.count == 168)
    }

    @Test(arguments: LabelledData.titles)
    func titleIsClassifiedAsLabelled(_ row: LabelledData.TitleRow) throws {
        let catalog = Self.classifier.catalog
        let item = InventoryItem(
            title: row.title, publisher: row.publisher, version: row.version, platform: row.platform)
        let result = Self.classifier.classify(item)
        let label = row.label
        if label.hasPrefix("not-suite:") || label.hasPrefix("not-office:") || label.hasPrefix("not-local:") {
            // A near miss: never an installation of an office suite (a part of one, or its own product).
            let kind = catalog.product(id: result.product)?.kind
            #expect(
                !(result.countsAsInstallation && kind == .officeSuite),
                "\(row.title) → \(result.product) counted as an installation by \(result.rule)")
            if label.hasPrefix("not-suite:libreoffice") {
                #expect(result.product == "libreoffice", "\(row.title) → \(result.product)")
            }
        } else {
            let expected = LabelledData.catalogID(forLabel: label)
            #expect(result.product == expected, "\(row.title) → \(result.product) by \(result.rule)")
            #expect(result.countsAsInstallation, "\(row.title) not counted (\(result.rule))")
            #expect(catalog.product(id: expected) != nil, "label \(label) has no catalog product")
        }
    }
}

@Suite struct GeneratorLabelTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())

    /// Rows whose label rests on evidence outside the generator string (the package's structure, the
    /// repository the file came from), written down with the reason; the generator alone must then give
    /// what the string itself says.
    static let labelledFromOtherEvidence: [String: String] = [
        // "LibreOffice Base database (named so by its repo)": .odb files have no meta.xml, so no generator.
        "libreoffice": "unknown",
        // Aspose.Cells output identified from its package layout; meta.xml carries the source file's generator.
        "other:aspose": "*",
    ]

    /// Labels this catalog disagrees with, with the evidence. Each correction is asserted, so it can fail too.
    static let corrections: [String: (id: String, reason: String)] = [
        "odftk__ContinueListTest.odt": (
            "apache-openoffice",
            "OpenOffice.org/3.4.1 build 341m1 (9593) is Apache OpenOffice 3.4.1 (announced 2012-08-23, "
                + "apache/openoffice-project content/blog/announcing_apache_openoffice_3_41.markdown); "
                + "OpenOffice.org itself never released a 3.4"
        )
    ]

    @Test func fixtureIsComplete() {
        #expect(LabelledData.generators.count == 273)
    }

    @Test(arguments: LabelledData.generators)
    func generatorIsClassifiedAsLabelled(_ row: LabelledData.GeneratorRow) {
        let result = Self.classifier.classify(generator: row.generator)
        var expected = LabelledData.catalogID(forLabel: row.suite)
        let fromOtherEvidence =
            row.note.contains("named so by its repo") || row.note.contains("inferred: no mimetype entry")
        if fromOtherEvidence, let substitute = Self.labelledFromOtherEvidence[row.suite] {
            if substitute == "*" { return }  // the generator belongs to another producer; nothing to check
            expected = substitute
        }
        if let correction = Self.corrections[row.file] { expected = correction.id }
        #expect(result.product == expected, "\(row.generator) → \(result.product) by \(result.rule)")
        if let version = row.version, expected != "unknown" {
            let labelled = LabelledData.numericPrefix(version)
            if !labelled.isEmpty {
                #expect(
                    LabelledData.numericPrefix(result.version ?? "") == labelled,
                    "\(row.generator): version \(result.version ?? "nil"), labelled \(version)")
            }
        }
    }
}
