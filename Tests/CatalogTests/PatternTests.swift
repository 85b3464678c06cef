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
}
