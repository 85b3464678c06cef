/// Seeded generator of hostile text: what an inventory, a document's metadata or a submission may carry to
/// turn a report cell into a formula or markup (spreadsheet formula triggers, HTML/XML, Markdown, CSV
/// delimiters, line breaks, control characters, bidi overrides, path traversal). The same seed gives the
/// same strings on every run.
public enum HostileText {
    /// First characters that make Excel, LibreOffice or Sheets read a cell as a formula or command (the fullwidth
    /// forms are folded by some spreadsheets).
    public static let formulaTriggers = [
        "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]

    static let payloads = [
        "SUM(1+1)", "1+1", "HYPERLINK(\"http://example.invalid\",\"klik\")", "cmd|' /C calc'!A0",
        "2+5+cmd|' /C notepad'!'A1'", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "</td></tr></table><b>bold</b>", "<iframe src=\"javascript:alert(1)\"></iframe>", "]]><!-- x -->",
        "&lt;b&gt;entity&lt;/b&gt;", "&amp; &#60;marquee&#62;", "**bold** _em_ `code` ~~strike~~",
        "[link](javascript:alert(1))",
        "# heading", "| pipe | cell |", "\"quoted\", comma; semicolon", "line\nbreak", "carriage\rreturn",
        "tab\tinside", "nul\u{0}byte", "bell\u{7}", "\u{202E}reversed", "../../etc/passwd", "/etc/shadow",
        "C:\\Windows\\System32", "<office:script/>", "<text:a xlink:href=\"javascript:x\">a</text:a>",
        "<object data=x></object>", "Ærø Å ø", "\u{FEFF}bom", "'already quoted",
    ]

    /// `count` distinct hostile strings; most start with a formula trigger, each holds one to three payloads.
    /// `tag` makes strings from different sources (and seeds) distinguishable in the output.
    public static func strings(seed: UInt64, count: Int, tag: String) -> [String] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            var text = Int.random(in: 0..<4, using: &random) == 0 ? "" : formulaTriggers.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                text += payloads.randomElement(using: &random)! + " "
            }
            return text + "\(tag)\(index)x"
        }
    }
}
