/// Text bound for a CSV file that a spreadsheet will open: a cell that starts like a formula or command is
/// made plain text with a leading apostrophe (what Excel and LibreOffice themselves use to mark text), so a
/// title, path or generator string from a hostile file can never run as a formula (CSV injection).
public enum SpreadsheetText {
    /// First characters that make Excel, LibreOffice or Sheets treat a cell as a formula or command (the
    /// fullwidth forms are folded to their ASCII twins by some of them).
    public static let formulaTriggers: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]

    /// `text`, with an apostrophe in front when it starts with a formula trigger.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaTriggers.contains(first) else { return text }
        return "'" + text
    }
}
