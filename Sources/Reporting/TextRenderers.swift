import Foundation
import OverblikModel

/// Markdown: headings, paragraphs and pipe tables; charts and the map are summarised by their tables.
enum MarkdownRenderer {
    /// Escapes Markdown punctuation and HTML so inventory text shows as text: `&` too (else `&lt;` would
    /// show as `<`) and `~` (GitHub's strikethrough); line breaks and tabs become spaces, and other control
    /// characters are dropped (CommonMark turns NUL into U+FFFD).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "|", "*", "_", "[", "]", "`", "<", ">", "#", "!", "&", "~":
                out.append("\\")
                out.append(character)
            case "\n", "\r", "\r\n", "\t": out.append(" ")
            default:
                if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                    scalar.value < 0x20 || scalar.value == 0x7F
                {
                    continue
                }
                out.append(character)
            }
        }
        return out
    }

    static func render(_ document: ReportDocument) -> String {
        let style = document.style
        var md = "# \(escape(document.title))\n\n\(escape(document.subtitle))\n\n"
        for section in document.sections {
            md += "## \(escape(section.title))\n\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let text): md += escape(text) + "\n\n"
                case .notice(let text): md += "> **\(escape(text))**\n\n"
                case .figures(let figures):
                    for figure in figures {
                        md += "- **\(escape(figure.label))**: \(escape(figure.value))  \n  _\(escape(figure.note))_\n"
                    }
                    md += "\n"
                case .table(let table):
                    md += "**\(escape(table.title))**\n\n"
                    md += "| " + table.columns.map(escape).joined(separator: " | ") + " |\n"
                    let alignment =
                        table.rows.first.map { cells in cells.map { $0.isNumeric ? " ---: |" : " --- |" }.joined() }
                        ?? String(repeating: " --- |", count: table.columns.count)
                    md += "|" + alignment
                    md += "\n"
                    for row in table.rows + (table.footer.map { [$0] } ?? []) {
                        md +=
                            "| "
                            + row.map { escape($0.text(style, currency: document.currency)) }
                            .joined(separator: " | ") + " |\n"
                    }
                    md += "\n"
                case .chart: continue
                case .map(let spec): md += "_\(escape(spec.title))_: " + escape(spec.attribution) + "\n\n"
                }
            }
        }
        md += "---\n\(escape(Label.generatedBy.text(document.language))) \(escape(document.generator))\n"
        return md
    }
}

/// CSV options: comma and dot decimals (default), or Danish Excel: `;`, decimal comma, UTF-8 BOM.
public struct CSVOptions: Sendable, Hashable {
    public var separator: Character
    public var decimalComma: Bool
    public var byteOrderMark: Bool

    public init(separator: Character = ",", decimalComma: Bool = false, byteOrderMark: Bool = true) {
        self.separator = separator
        self.decimalComma = decimalComma
        self.byteOrderMark = byteOrderMark
    }

    /// `;`, decimal comma and a BOM: what Danish Excel opens correctly by double-click.
    public static let danishExcel = CSVOptions(separator: ";", decimalComma: true, byteOrderMark: true)
}

/// One CSV per table. Numbers are plain (no grouping; shares as 0–1 fractions); text that a spreadsheet
/// would read as a formula is prefixed with an apostrophe.
enum CSVRenderer {
    static func render(_ table: Table, options: CSVOptions) -> Data {
        var text = options.byteOrderMark ? "\u{FEFF}" : ""
        text += table.columns.map { field($0, options) }.joined(separator: String(options.separator)) + "\r\n"
        for row in table.rows + (table.footer.map { [$0] } ?? []) {
            text += row.map { cell(value: $0, options) }.joined(separator: String(options.separator)) + "\r\n"
        }
        return Data(text.utf8)
    }

    static func cell(value: Cell, _ options: CSVOptions) -> String {
        func number(_ value: Double, _ digits: Int) -> String {
            let text = String(format: "%.\(digits)f", value)
            return options.decimalComma ? text.replacingOccurrences(of: ".", with: ",") : text
        }
        switch value {
        case .text(let text): return field(text, options)
        case .integer(let number), .code(let number): return String(number)
        case .decimal(let value, let digits): return number(value, digits)
        case .percent(let share): return share.map { number($0, 4) } ?? ""
        case .money(let value): return number(value, 2)
        case .date(let day): return day
        case .empty: return ""
        }
    }

    /// Neutralises formula triggers and quotes when needed (RFC 4180).
    static func field(_ raw: String, _ options: CSVOptions) -> String {
        let text = SpreadsheetText.neutralised(raw)
        let needsQuotes =
            text.contains(options.separator) || text.contains("\"") || text.contains("\n")
            || text.contains("\r")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

/// The JSON form: the ``Report`` value with snake_case keys, sorted, dates in ISO 8601.
enum JSONRenderer {
    static func render(_ report: Report) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .throw
        return try encoder.encode(report)
    }
}
