import Foundation
import TestSupport
import Testing

@testable import Catalog

@Suite struct PatternTests {
    @Test(arguments: [
        ("^LibreOffice (?<version>\\d+)", "libreoffice "),
        ("^OpenOffice\\.org/(?<v>\\d)", "openoffice.org/"),
        ("^Microsoft Office XP\\b", "microsoft office xp"),
        ("^LibreOffices?", "libreoffice"),
        ("^(?:Apache )?OpenOffice", nil),
        ("^a|^b", nil),
        ("^Å", nil),
    ])
    func anchoredPrefix(_ row: (String, String?)) {
        #expect(Pattern.anchoredLiteralPrefix(of: row.0) == row.1)
    }

    @Test(arguments: [
        ("(?<![a-z0-9])os2[- _]?faktor", "faktor"),
        ("\\bKB\\d{6,8}\\b|^Update", nil),
        ("(?<![a-z0-9])SBSYS(?![a-z0-9])", "sbsys"),
        ("pypi/ezodf/(?<version>\\d+)", "pypi/ezodf/"),
        ("^Microsoft Office .*\\bMUI\\b", "microsoft office "),
        ("Office ?jet", "office"),
        ("[abc]def", "def"),
        ("x", nil),
    ])
    func requiredLiteral(_ row: (String, String?)) {
        #expect(Pattern.longestRequiredLiteral(of: row.0) == row.1)
    }

    @Test func prefiltersNeverChangeTheAnswer() throws {
        let pattern = try Pattern("(?<![a-z0-9])os2[- _]?faktor")
        #expect(pattern.matches("OS2 Faktor Klient"))
        #expect(pattern.matches("os2faktorKlient.exe"))
        #expect(!pattern.matches("MyOS2faktor"))
        let jet = try Pattern("^(?:HP )?Office ?jet\\b")
        #expect(jet.matches("HP OfficeJet 250"))
        #expect(jet.matches("Office jet"))
    }

    @Test(arguments: [
        (
            "\\bKB\\d{6,8}\\b|^(?:Security )?Update for Microsoft|^Hotfix for",
            ["kb", "update for microsoft", "hotfix for"]
        ),
        ("^a|^bc", nil),  // `a` is too short to be worth a search
        ("(?:x|y)z", nil),  // no top-level alternative
        ("foo[|]bar|baz\\|qux", ["foo", "baz|qux"]),
    ])
    func alternativeLiterals(_ row: (String, [String]?)) {
        #expect(Pattern.alternativeLiterals(of: row.0) == row.1)
    }

    @Test func alternativePrefilterKeepsEveryMatch() throws {
        let update = try Pattern("\\bKB\\d{6,8}\\b|^(?:Security |Critical )?Update for Microsoft|^Hotfix for Microsoft")
        for title in [
            "Security Update for Microsoft Office 2010 (KB2553140) 32-Bit Edition", "kb4011574",
            "HOTFIX FOR MICROSOFT x",
            "Update for Microsoft Office 2016", "Update (KB1234567)",
        ] {
            #expect(update.matches(title), "\(title)")
        }
        for title in ["LibreOffice 7.6", "Microsoft Update Health Tools", "KB12"] {
            #expect(!update.matches(title), "\(title)")
        }
    }

    /// The oracle for the pre-checks (anchored prefix, required literal, one literal per alternative) is the
    /// regular expression alone: over every rule pattern of the shipped catalog and real-world strings (those
    /// labelled with the rule's product, which the rule is likely to match, and a seeded sample of the rest, with
    /// their letters' case changed half of the time), `matches` must agree with it exactly.
    @Test func preChecksAgreeWithTheRegexOnTheShippedCatalog() throws {
        let compiled = try ProductCatalog.bundled().compiled
        let rules: [(product: String, pattern: Pattern)] =
            compiled.generatorRules.map { ($0.product, $0.pattern) }
            + compiled.inventoryRules.flatMap { rule in
                [rule.title, rule.publisher].compactMap { $0.map { (rule.product, $0) } }
            }
        let labelled: [(product: String, text: String)] =
            RealWorldData.titles.flatMap { row in
                [row.title, row.publisher].compactMap { $0.map { (row.product, $0) } }
            }
            + RealWorldData.generators.map { ($0.suite, $0.generator) }
        var random = SeededGenerator(seed: 20_261_206)
        var disagreements: [String] = []
        for rule in rules {
            let oracle = try NSRegularExpression(pattern: rule.pattern.source, options: [.caseInsensitive])
            let sample =
                labelled.filter { $0.product == rule.product }.map(\.text)
                + (0..<60).map { _ in labelled.randomElement(using: &random)!.text }
            for original in sample {
                let text = Bool.random(using: &random) ? Self.flippingCase(original) : original
                let expected = oracle.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                if rule.pattern.matches(text) != expected {
                    disagreements.append("/\(rule.pattern.source)/ on \(text.debugDescription): regex says \(expected)")
                }
            }
        }
        #expect(rules.count > 300)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
    }

    private static func flippingCase(_ text: String) -> String {
        String(text.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }.map { $0 })
    }

    /// The product id check against the regular expression it replaced (without case folding: ids are
    /// lowercase), over seeded strings of slug characters, upper case, punctuation and non-ASCII letters.
    @Test func slugCheckAgreesWithItsRegex() throws {
        let oracle = try NSRegularExpression(pattern: "^[a-z0-9][a-z0-9.+_-]*$")
        let alphabet = Array("abz09.+_-AZ /\\æø€#$")
        var random = SeededGenerator(seed: 83)
        for length in 0..<8 {
            for _ in 0..<400 {
                let id = String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
                let expected = oracle.firstMatch(in: id, range: NSRange(id.startIndex..., in: id)) != nil
                #expect(ProductEntryValidator.isSlug(id) == expected, "\(id.debugDescription)")
            }
        }
    }
}
