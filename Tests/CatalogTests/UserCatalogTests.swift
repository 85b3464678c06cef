import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

@Suite struct UserCatalogTests {
    static let example = Fixtures.url("catalog/user-catalog.example.yaml")

    @Test func exampleAddsProductsAndPatchesOne() throws {
        let catalog = try ProductCatalog.load(userFiles: [Self.example])
        let shipped = try ProductCatalog.bundled()
        #expect(catalog.products.count == shipped.products.count + 2)
        let own = try #require(catalog.product(id: "aarhus-libreoffice"))
        #expect(own.parent == "libreoffice")
        #expect(own.kind == .officeSuite)
        let classifier = Classifier(catalog: catalog)
        let title = classifier.classify(InventoryItem(title: "AAK LibreOffice 24.8.4"))
        #expect(title.product == "aarhus-libreoffice")
        #expect(title.versionLine == "24.8")
        // The user's generator rule outranks the shipped LibreOffice rule for its own builds only.
        #expect(
            classifier.classify(generator: "LibreOffice/24.8.4.2$Windows_X86_64 LibreOffice_project/aak-17").product
                == "aarhus-libreoffice")
        #expect(
            classifier.classify(generator: "LibreOffice/24.8.4.2$Windows_X86_64 LibreOffice_project/bcd123").product
                == "libreoffice")
        // Patched product keeps its shipped rules and gains the local name.
        let local = classifier.classify(InventoryItem(title: "Office-pakken 2021"))
        #expect(local.product == "ms-office")
        #expect(local.versionLine == "2021")
        #expect(local.rule == "ms-office/inventory#portal-name")
        #expect(classifier.classify(InventoryItem(title: "Microsoft Office Standard 2016")).product == "ms-office")
        #expect(catalog.product(id: "ms-office")?.versionLines == shipped.product(id: "ms-office")?.versionLines)
        // The stamp records the user file and changes the digest.
        #expect(catalog.stamp.version.contains("user-catalog.example.yaml@aarhus-2026.1"))
        #expect(catalog.stamp.digest != shipped.stamp.digest)
        // Without the user file the same title is unknown.
        #expect(Classifier(catalog: shipped).classify(InventoryItem(title: "AAK LibreOffice 24.8.4")).isUnknown)
    }

    @Test func laterFileWinsPerID() throws {
        let directory = try Fixtures.temporaryDirectory("catalog")
        let first = directory.appendingPathComponent("first.yaml")
        let second = directory.appendingPathComponent("second.yaml")
        try """
        version: "1"
        products:
          - {id: local-tool, name: First name, kind: other, inventory: [{title: '^Local Tool\\b'}]}
        """.write(to: first, atomically: true, encoding: .utf8)
        try """
        version: "2"
        products:
          - {id: local-tool, name: Second name, kind: other, inventory: [{id: v2, title: '^Local Tool\\b'}]}
          - {id: libreoffice, name: LibreOffice (replaced), kind: office-suite, inventory: [{title: '^Libre$'}]}
        """.write(to: second, atomically: true, encoding: .utf8)
        let catalog = try ProductCatalog.load(userFiles: [first, second])
        #expect(catalog.product(id: "local-tool")?.name == "Second name")
        let classifier = Classifier(catalog: catalog)
        #expect(classifier.classify(InventoryItem(title: "Local Tool 2")).rule == "local-tool/inventory#v2")
        // A full replacement (no merge) drops the shipped rules of that id.
        #expect(catalog.product(id: "libreoffice")?.name == "LibreOffice (replaced)")
        #expect(classifier.classify(InventoryItem(title: "Libre")).product == "libreoffice")
        #expect(classifier.classify(InventoryItem(title: "LibreOffice 24.2.7.2")).isUnknown)
        let reversed = try ProductCatalog.load(userFiles: [second, first])
        #expect(reversed.product(id: "local-tool")?.name == "First name")
        #expect(reversed.stamp.digest != catalog.stamp.digest)
    }

    @Test func badUserFileIsAnErrorWithTheFileName() throws {
        let directory = try Fixtures.temporaryDirectory("catalog")
        let file = directory.appendingPathComponent("broken.yaml")
        try "version: 1\nproducts:\n  - {id: x, name: X, kind: nonsense}\n".write(
            to: file, atomically: true, encoding: .utf8)
        #expect(throws: CatalogError.self) { try ProductCatalog.load(userFiles: [file]) }
        let badPattern = directory.appendingPathComponent("pattern.yaml")
        try "products:\n  - {id: y, name: Y, kind: other, inventory: [{title: '(unclosed'}]}\n".write(
            to: badPattern, atomically: true, encoding: .utf8)
        do {
            _ = try ProductCatalog.load(userFiles: [badPattern])
            Issue.record("a bad pattern must not load")
        } catch let error as CatalogError {
            #expect(error.description.contains("(unclosed"))
        }
        #expect(throws: CatalogError.self) {
            try ProductCatalog.load(userFiles: [directory.appendingPathComponent("missing.yaml")])
        }
    }
}

@Suite struct CatalogCheckTests {
    @Test func exampleFileIsClean() throws {
        let diagnostics = CatalogChecker.check(
            fileAt: Fixtures.url("catalog/user-catalog.example.yaml"), against: try ProductCatalog.bundled())
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
    }

    @Test func badFileIsReportedWithLineNumbers() throws {
        let diagnostics = CatalogChecker.check(
            fileAt: Fixtures.url("catalog/user-catalog.bad.yaml"), against: try ProductCatalog.bundled())
        func find(_ text: String) -> CatalogDiagnostic? { diagnostics.first { $0.message.contains(text) } }
        #expect(find("unknown kind `office-suit`")?.line == 5)
        #expect(find("is not a valid regular expression")?.line == 8)
        #expect(find("duplicate id (first defined on line 3)")?.line == 9)
        #expect(find("unknown key `colour`")?.line == 15)
        #expect(find("released `2024-13-01`")?.line == 19)
        #expect(find("without `source`")?.line == 19)
        #expect(diagnostics.allSatisfy { $0.severity == .error || $0.severity == .warning })
    }

    @Test func overlappingPatternIsReported() throws {
        let text = """
            version: "t"
            products:
              - id: greedy
                name: Greedy
                kind: other
                inventory:
                  - id: office
                    title: 'Office'
            """
        let diagnostics = CatalogChecker.check(text: text, file: "greedy.yaml", against: try ProductCatalog.bundled())
        let overlaps = diagnostics.filter { $0.message.contains("overlaps product") }
        #expect(overlaps.contains { $0.message.contains("libreoffice") })
        #expect(overlaps.contains { $0.message.contains("ms-office") })
        #expect(overlaps.allSatisfy { $0.line == 7 && $0.severity == .warning })
    }

    @Test func yamlSyntaxErrorHasItsLine() throws {
        let text = "version: x\nproducts:\n  - id: a\n    name: [unclosed\n"
        let diagnostics = CatalogChecker.check(text: text, file: "syntax.yaml", against: try ProductCatalog.bundled())
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.hasPrefix("not valid YAML") == true)
        #expect(diagnostics.first?.line != nil)
    }

    @Test func exampleThatItsOwnRulesMissIsAnError() throws {
        let text = """
            version: "t"
            products:
              - id: lonely
                name: Lonely
                kind: other
                inventory: [{title: '^Lonely Tool$'}]
                examples: ["Lonely Tool 2"]
            """
        let diagnostics = CatalogChecker.check(text: text, file: "lonely.yaml", against: try ProductCatalog.bundled())
        #expect(diagnostics.contains { $0.severity == .error && $0.message.contains("Lonely Tool 2") && $0.line == 3 })
    }
}

@Suite struct SupportStatusTests {
    static let catalog = try! ProductCatalog.bundled()

    static func day(_ text: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))!
    }

    @Test func libreOfficeLines() {
        #expect(
            Self.catalog.supportStatus(product: "libreoffice", versionLine: "7.6", on: Self.day("2024-06-12"))
                == .supported)
        #expect(
            Self.catalog.supportStatus(product: "libreoffice", versionLine: "7.6", on: Self.day("2024-06-13"))
                == .endOfLife("2024-06-12"))
        #expect(
            Self.catalog.supportStatus(product: "libreoffice", versionLine: "26.2", on: Self.day("2026-05-01"))
                == .supported)
        #expect(
            Self.catalog.supportStatus(product: "libreoffice", versionLine: "27.8", on: Self.day("2027-09-01"))
                == .unknown)
        #expect(
            Self.catalog.supportStatus(product: "libreoffice", versionLine: nil, on: Self.day("2026-01-01")) == .unknown
        )
    }

    @Test func everyLibreOfficeLineFrom33To262HasDates() throws {
        let product = try #require(Self.catalog.product(id: "libreoffice"))
        let lines = product.versionLines.map(\.line)
        for expected in ["3.3", "4.4", "5.4", "6.4", "7.0", "7.6", "24.2", "24.8", "25.2", "25.8", "26.2"] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        for line in product.versionLines {
            #expect(line.released != nil && line.endOfLife != nil && !line.source.isEmpty, "\(line.line)")
        }
    }

    @Test func microsoftOffice() {
        #expect(
            Self.catalog.supportStatus(product: "ms-office", versionLine: "2016", on: Self.day("2025-10-15"))
                == .endOfLife("2025-10-14"))
        #expect(
            Self.catalog.supportStatus(product: "ms-office", versionLine: "2021", on: Self.day("2026-01-01"))
                == .supported)
        #expect(
            Self.catalog.supportStatus(product: "ms-office", versionLine: "2010", on: Self.day("2021-01-01"))
                == .endOfLife("2020-10-13"))
        #expect(
            Self.catalog.supportStatus(product: "ms-office", versionLine: "16", on: Self.day("2026-01-01")) == .unknown)
        #expect(
            Self.catalog.supportStatus(product: "microsoft-365-apps", versionLine: nil, on: Self.day("2026-01-01"))
                == .supported)
    }

    @Test func endedProductsAreEndOfLifeWhateverTheLine() {
        #expect(
            Self.catalog.supportStatus(product: "openoffice.org", versionLine: "3.3", on: Self.day("2012-01-01"))
                == .endOfLife("2011-06-01"))
        #expect(
            Self.catalog.supportStatus(product: "openoffice.org", versionLine: nil, on: Self.day("2012-01-01"))
                == .endOfLife("2011-06-01"))
        #expect(
            Self.catalog.supportStatus(product: "lotus-symphony", versionLine: "9.9", on: Self.day("2013-01-01"))
                == .endOfLife("2012-01"))
        // A month-precise end ("2012-01", IBM's last Symphony release) ends with that month.
        #expect(
            Self.catalog.supportStatus(product: "lotus-symphony", versionLine: "3.0", on: Self.day("2012-01-15"))
                == .supported)
        #expect(
            Self.catalog.supportStatus(product: "lotus-symphony", versionLine: "3.0", on: Self.day("2012-02-01"))
                == .endOfLife("2012-01"))
        #expect(Self.catalog.supportStatus(product: "no-such-product", versionLine: "1", on: Date()) == .unknown)
    }

    /// The shipped files pass the same checks as a user's: known keys, valid dates and patterns, cited dates.
    @Test(arguments: ["catalog.yaml", "esdh.yaml", "fagsystemer.yaml"])
    func shippedFilePassesTheChecker(_ name: String) throws {
        let url = Fixtures.repositoryRoot.appendingPathComponent("Sources/Catalog/Resources/\(name)")
        let diagnostics = CatalogChecker.check(fileAt: url, against: Self.catalog)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)")
        let overlaps = diagnostics.filter { $0.message.contains("overlaps") }
        #expect(overlaps.isEmpty, "\(overlaps)")
    }

}
