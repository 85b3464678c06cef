import Foundation

/// One table cell, typed so ODS can store numbers as numbers and dates as dates.
enum Cell: Sendable, Hashable {
    case text(String)
    case integer(Int)
    /// An official code (kommunekode, region code): a number, but written as a code, never grouped (`1081`).
    case code(Int)
    case decimal(Double, digits: Int)
    /// A share 0...1; nil prints "not measured".
    case percent(Double?)
    case money(Double)
    /// ISO 8601 date `YYYY-MM-DD`.
    case date(String)
    case empty

    /// The cell as plain text in the report's language.
    func text(_ style: NumberStyle, currency: String) -> String {
        switch self {
        case .text(let value): value
        case .integer(let value): style.integer(value)
        case .code(let value): String(value)
        case .decimal(let value, let digits): style.decimal(value, digits: digits)
        case .percent(let value): style.percent(value)
        case .money(let value): style.money(value, currency: currency)
        case .date(let value): value
        case .empty: ""
        }
    }

    var isNumeric: Bool {
        switch self {
        case .integer, .code, .decimal, .percent(.some), .money: true
        default: false
        }
    }
}

/// A table of the report; CSV writes one file per table and ODS one sheet per table, named by `id`.
struct Table: Sendable {
    var id: String
    var title: String
    var columns: [String]
    var rows: [[Cell]]
    /// An optional last row in bold (totals).
    var footer: [Cell]? = nil
}

/// A chart spec, drawn as SVG (HTML inline, ODT embedded).
struct Chart: Sendable {
    enum Kind: Sendable { case bars, stacked, paired }
    var title: String
    var kind: Kind
    /// Bars: one value per category. Stacked: one series per part. Paired: two series (before, now).
    var categories: [String]
    var series: [(name: String, values: [Double])]
    var percent: Bool
}

/// The choropleth spec: a value per municipality code (nil = no data), class breaks and labels.
struct MapSpec: Sendable {
    var title: String
    var values: [Int: Double?]
    /// Values are shares 0...1 (printed as percentages) rather than counts.
    var isShare: Bool
    var breaks: [Double]
    var legend: [String]
    var noDataLabel: String
    var attribution: String
}

enum Block: Sendable {
    case paragraph(String)
    /// A highlighted notice (synthetic data, lower bound, method break).
    case notice(String)
    /// Big figures: label, value, note.
    case figures([(label: String, value: String, note: String)])
    case table(Table)
    case chart(Chart)
    case map(MapSpec)
}

struct Section: Sendable {
    var id: String
    var title: String
    var blocks: [Block]
}

/// The report laid out for reading: what every document renderer walks.
struct ReportDocument: Sendable {
    var title: String
    var subtitle: String
    var language: ReportLanguage
    var currency: String
    var generator: String
    var generated: Date
    var sections: [Section]

    var tables: [Table] {
        sections.flatMap { section in
            section.blocks.compactMap { block -> Table? in
                if case .table(let table) = block { return table }
                return nil
            }
        }
    }

    var style: NumberStyle { NumberStyle(language: language) }
}
