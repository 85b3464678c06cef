import Foundation
import Geography
import OverblikModel

/// One self-contained HTML file: inline CSS and SVG, no scripts, no external requests, print-friendly.
enum HTMLRenderer {
    static let css = """
        :root { --ink: #1a1a1a; --muted: #555; --line: #c8c8c8; --accent: #08519c; --warn: #8a1c00; }
        * { box-sizing: border-box; }
        body { font-family: "Liberation Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
          max-width: 1100px; margin: 0 auto; padding: 24px; line-height: 1.45; }
        h1 { font-size: 1.7em; margin: 0 0 4px; color: var(--accent); }
        h2 { font-size: 1.3em; border-bottom: 2px solid var(--accent); padding-bottom: 3px; margin-top: 2em; }
        h3 { font-size: 1.05em; }
        .subtitle { color: var(--muted); margin: 0 0 16px; }
        .notice { border: 3px solid var(--warn); color: var(--warn); background: #fff4ef; padding: 10px 14px;
          font-weight: bold; margin: 12px 0; }
        .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 12px; }
        .figure { border: 1px solid var(--line); border-top: 4px solid var(--accent); padding: 10px 12px; }
        .figure .label { font-size: .9em; color: var(--muted); }
        .figure .value { font-size: 1.45em; font-weight: bold; margin: 4px 0; }
        .figure .note { font-size: .8em; color: var(--muted); }
        table { border-collapse: collapse; width: 100%; margin: 8px 0 18px; font-size: .88em; }
        caption { text-align: left; font-weight: bold; padding: 4px 0; }
        th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
        th { background: #eef3f8; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tfoot td { font-weight: bold; background: #f6f6f6; }
        figure { margin: 12px 0; }
        svg { max-width: 100%; height: auto; }
        nav ol { columns: 2; }
        footer { margin-top: 32px; font-size: .8em; color: var(--muted); }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; }
          h2 { break-before: page; }
          section:first-of-type h2 { break-before: auto; }
          table, figure, .figure { break-inside: avoid; }
          nav { display: none; }
          a { color: inherit; text-decoration: none; }
        }
        """

    static func render(
        _ document: ReportDocument, geometry: MunicipalityGeometry, directory: AuthorityDirectory
    ) -> String {
        let style = document.style
        let t: (Label) -> String = { $0.text(document.language) }
        var html = """
            <!DOCTYPE html>
            <html lang="\(document.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="\(xmlEscape(document.generator))">
            <title>\(xmlEscape(document.title))</title>
            <style>
            \(css)
            </style>
            </head>
            <body>
            <header>
            <h1>\(xmlEscape(document.title))</h1>
            <p class="subtitle">\(xmlEscape(document.subtitle))</p>
            </header>
            <nav aria-label="\(xmlEscape(t(.contents)))"><ol>
            """
        for section in document.sections {
            html += "<li><a href=\"#\(section.id)\">\(xmlEscape(section.title))</a></li>"
        }
        html += "</ol></nav>\n<main>\n"
        for section in document.sections {
            html += "<section id=\"\(section.id)\">\n<h2>\(xmlEscape(section.title))</h2>\n"
            for block in section.blocks {
                html += render(
                    block, style: style, currency: document.currency, geometry: geometry, directory: directory)
            }
            html += "</section>\n"
        }
        html += "</main>\n<footer>\(xmlEscape(t(.generatedBy))) \(xmlEscape(document.generator)), "
        html += "\(xmlEscape(ISODate.timestamp(document.generated)))</footer>\n</body>\n</html>\n"
        return html
    }

    static func render(
        _ block: Block, style: NumberStyle, currency: String, geometry: MunicipalityGeometry,
        directory: AuthorityDirectory
    ) -> String {
        switch block {
        case .paragraph(let text):
            return "<p>\(xmlEscape(text))</p>\n"
        case .notice(let text):
            return "<p class=\"notice\" role=\"note\">\(xmlEscape(text))</p>\n"
        case .figures(let figures):
            var html = "<div class=\"figures\">\n"
            for figure in figures {
                html += "<div class=\"figure\"><div class=\"label\">\(xmlEscape(figure.label))</div>"
                html += "<div class=\"value\">\(xmlEscape(figure.value))</div>"
                html += "<div class=\"note\">\(xmlEscape(figure.note))</div></div>\n"
            }
            return html + "</div>\n"
        case .table(let table):
            return render(table, style: style, currency: currency)
        case .chart(let chart):
            return "<figure>\(SVGRenderer.chart(chart, style: style))</figure>\n"
        case .map(let spec):
            return "<figure>\(SVGRenderer.map(spec, geometry: geometry, directory: directory, style: style))</figure>\n"
        }
    }

    static func render(_ table: Table, style: NumberStyle, currency: String) -> String {
        var html = "<table id=\"table-\(table.id)\">\n<caption>\(xmlEscape(table.title))</caption>\n<thead><tr>"
        for column in table.columns { html += "<th scope=\"col\">\(xmlEscape(column))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        func row(_ cells: [Cell]) -> String {
            var out = "<tr>"
            for (index, cell) in cells.enumerated() {
                let text = xmlEscape(cell.text(style, currency: currency))
                if index == 0 && !cell.isNumeric {
                    out += "<th scope=\"row\">\(text)</th>"
                } else {
                    out += cell.isNumeric ? "<td class=\"num\">\(text)</td>" : "<td>\(text)</td>"
                }
            }
            return out + "</tr>\n"
        }
        for cells in table.rows { html += row(cells) }
        html += "</tbody>\n"
        if let footer = table.footer { html += "<tfoot>" + row(footer) + "</tfoot>\n" }
        return html + "</table>\n"
    }
}
