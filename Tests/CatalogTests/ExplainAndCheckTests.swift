import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

/// `classify --explain` on an unknown names the rules that came closest; `catalog check` says which rules no
/// example exercises and which another product's rule shadows.
@Suite struct NearestRuleTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())

    @Test func aNearMissNamesTheProductItAlmostIs() {
        let explanation = Self.classifier.explain(InventoryItem(title: "Libre Office 7.6 (Portable Edition)"))
        #expect(explanation.classification.isUnknown)
        let first = try? #require(explanation.nearest.first)
        #expect(first?.product == "libreoffice")
        #expect(first?.sharedWords.contains("libreoffice") == true)
        #expect(Set(explanation.nearest.map(\.product)).count == explanation.nearest.count)
        #expect(explanation.nearest.count <= 3)
    }

    @Test func aGeneratorNearMissToo() {
        let explanation = Self.classifier.explain(generator: "Symphony Office/1.0")
        #expect(explanation.classification.isUnknown)
        #expect(explanation.nearest.contains { $0.product == "lotus-symphony" })
    }

    @Test func unrelatedAndMatchedInputsHaveNoNearestRules() {
        #expect(Self.classifier.explain(InventoryItem(title: "Notepad++ (64-bit x64)")).nearest.isEmpty)
        #expect(Self.classifier.explain(InventoryItem(title: "LibreOffice 24.2.7.2")).nearest.isEmpty)
    }

    @Test func patternWordsLeaveOutSyntaxAndClasses() {
        let near = Self.classifier.nearestRules(to: InventoryItem(title: "version platform build"))
        #expect(
            !near.contains { !$0.sharedWords.isEmpty },
            "group names and escapes are not words a rule names: \(near.map(\.summary))")
    }
}

@Suite struct CoverageCheckTests {
    @Test func aRuleNoExampleExercisesIsReported() throws {
        let text = """
            version: "t"
            products:
              - id: aak-office
                name: AAK Office
                kind: other
                inventory:
                  - id: title
                    title: '^AAK Office\\b'
                  - id: package
                    package: '^aak-office-suite$'
                examples: ["AAK Office 2"]
            """
        let diagnostics = CatalogChecker.check(text: text, file: "aak.yaml", against: try ProductCatalog.bundled())
        let unexercised = diagnostics.filter { $0.message.contains("exercised by no example") }
        #expect(unexercised.map(\.message).contains { $0.contains("aak-office/inventory#package") })
        #expect(!unexercised.contains { $0.message.contains("aak-office/inventory#title") })
        #expect(unexercised.allSatisfy { $0.severity == .warning && $0.line != nil })
    }

    @Test func aShadowedRuleIsReported() throws {
        let text = """
            version: "t"
            products:
              - id: late-office
                name: Late Office
                kind: other
                inventory:
                  - id: title
                    title: '^LibreOffice\\b'
                    priority: -5
            """
        let diagnostics = CatalogChecker.check(text: text, file: "late.yaml", against: try ProductCatalog.bundled())
        #expect(diagnostics.contains { $0.message.contains("late-office/inventory#title is shadowed by libreoffice/") })
    }
}
