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
}
