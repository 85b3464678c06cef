import Foundation
import Geography
import OverblikModel
import ZipKit

/// Writes ODF 1.3 packages (ODT, ODS) with our own XML over ZipKit's writer: `mimetype` first and
/// stored, then the manifest, `meta.xml` (generator `Overblik/<version>`), `styles.xml`, `content.xml`
/// and any pictures. Everything from inventories is escaped; no cell ever carries a formula.
enum ODFWriter {
    static let namespaces = """
        xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
        xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
        xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
        xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" \
        xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" \
        xmlns:xlink="http://www.w3.org/1999/xlink" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" \
        xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" \
        xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" \
        xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
        """

    struct Picture {
        var path: String
        var mediaType: String
        var bytes: [UInt8]
    }

    /// Writes one package to `url` (temporary name, then rename).
    static func write(
        to url: URL, mediaType: String, content: String, styles: String, meta: String, pictures: [Picture] = []
    ) throws {
        // A device or pipe (`/dev/stdout`) gets the finished package copied in, never renamed over.
        let intoDevice = DurableFile.isWrittenInPlace(url)
        let target =
            intoDevice
            ? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("overblik-\(UUID().uuidString).zip")
            : DurableFile.resolved(url)
        do {
            let writer = try ZipWriter(destination: target)
            try writer.add("mimetype", bytes: Array(mediaType.utf8), compression: .stored)
            try writer.add("META-INF/manifest.xml", bytes: Array(manifest(mediaType, pictures: pictures).utf8))
            try writer.add("meta.xml", bytes: Array(meta.utf8))
            try writer.add("styles.xml", bytes: Array(styles.utf8))
            try writer.add("content.xml", bytes: Array(content.utf8))
            for picture in pictures { try writer.add(picture.path, bytes: picture.bytes) }
            try writer.commit()
            if intoDevice { try DurableFile.commit(target, to: url) }
        } catch let error as ZipWriteError {
            throw ReportError.writeFailed(file: url.path, reason: error.description)
        } catch let error as DurableFile.Failure {
            throw ReportError.writeFailed(file: url.path, reason: error.description)
        }
    }

    static func manifest(_ mediaType: String, pictures: [Picture]) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
            <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="\(mediaType)"/>
            <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
            <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
            <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>

            """
        for picture in pictures {
            xml += "<manifest:file-entry manifest:full-path=\"\(xmlEscape(picture.path))\" "
            xml += "manifest:media-type=\"\(picture.mediaType)\"/>\n"
        }
        return xml + "</manifest:manifest>\n"
    }

    static func meta(_ document: ReportDocument) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let when = formatter.string(from: document.generated).replacingOccurrences(of: "Z", with: "")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-meta \(namespaces) office:version="1.3">
            <office:meta>
            <meta:generator>\(xmlEscape(document.generator))</meta:generator>
            <dc:title>\(xmlEscape(document.title))</dc:title>
            <dc:description>\(xmlEscape(document.subtitle))</dc:description>
            <dc:language>\(document.language.rawValue)</dc:language>
            <meta:creation-date>\(when)</meta:creation-date>
            <dc:date>\(when)</dc:date>
            </office:meta>
            </office:document-meta>

            """
    }

    static func styles(_ document: ReportDocument) -> String {
        let country = document.language == .danish ? "DK" : "GB"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-styles \(namespaces) office:version="1.3">
            <office:font-face-decls>
            <style:font-face style:name="Liberation Sans" svg:font-family="&apos;Liberation Sans&apos;" style:font-family-generic="swiss" style:font-pitch="variable"/>
            </office:font-face-decls>
            <office:styles>
            <style:default-style style:family="paragraph">
            <style:text-properties style:font-name="Liberation Sans" fo:font-size="10pt" fo:language="\(document.language.rawValue)" fo:country="\(country)"/>
            </style:default-style>
            <style:default-style style:family="table-cell">
            <style:text-properties style:font-name="Liberation Sans" fo:font-size="10pt"/>
            </style:default-style>
            <style:style style:name="Standard" style:family="paragraph" style:class="text">
            <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.18cm"/>
            </style:style>
            <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
            <style:paragraph-properties fo:margin-bottom="0.2cm"/>
            <style:text-properties fo:font-size="20pt" fo:font-weight="bold" fo:color="#08519c"/>
            </style:style>
            <style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
            <style:text-properties fo:font-size="11pt" fo:color="#555555"/>
            </style:style>
            <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Standard" style:default-outline-level="1" style:class="text">
            <style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>
            <style:text-properties fo:font-size="15pt" fo:font-weight="bold" fo:color="#08519c"/>
            </style:style>
            <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Standard" style:default-outline-level="2" style:class="text">
            <style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"/>
            <style:text-properties fo:font-size="11pt" fo:font-weight="bold"/>
            </style:style>
            <style:style style:name="Notice" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
            <style:paragraph-properties fo:padding="0.2cm" fo:border="0.06cm solid #8a1c00" fo:background-color="#fff4ef"/>
            <style:text-properties fo:font-weight="bold" fo:color="#8a1c00"/>
            </style:style>
            <style:style style:name="Figure_20_Label" style:display-name="Figure Label" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
            <style:text-properties fo:font-size="9pt" fo:color="#555555"/>
            </style:style>
            <style:style style:name="Figure_20_Value" style:display-name="Figure Value" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
            <style:text-properties fo:font-size="13pt" fo:font-weight="bold"/>
            </style:style>
            <style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
            <style:text-properties fo:font-size="8.5pt" fo:font-weight="bold"/>
            </style:style>
            <style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
            <style:paragraph-properties fo:margin-bottom="0cm"/>
            <style:text-properties fo:font-size="8.5pt"/>
            </style:style>
            <style:style style:name="Table_20_Number" style:display-name="Table Number" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra">
            <style:paragraph-properties fo:text-align="end"/>
            </style:style>
            </office:styles>
            <office:automatic-styles>
            <style:page-layout style:name="pm1">
            <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
            </style:page-layout>
            </office:automatic-styles>
            <office:master-styles>
            <style:master-page style:name="Standard" style:page-layout-name="pm1"/>
            </office:master-styles>
            </office:document-styles>

            """
    }

    /// Number, percentage, currency and date formats shared by ODS cells and ODT table cells.
    static func dataStyles(_ language: ReportLanguage) -> String {
        let locale =
            language == .danish
            ? "number:language=\"da\" number:country=\"DK\"" : "number:language=\"en\" number:country=\"GB\""
        return dataStylesTemplate.replacingOccurrences(of: "LOCALE", with: locale)
    }

    static let dataStylesTemplate = """
        <number:number-style style:name="N_INT" LOCALE><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
        <number:number-style style:name="N_CODE" LOCALE><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="1"/></number:number-style>
        <number:number-style style:name="N_DEC" LOCALE><number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
        <number:percentage-style style:name="N_PCT" LOCALE><number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
        <number:date-style style:name="N_DATE" LOCALE><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
        <style:style style:name="ce_int" style:family="table-cell" style:data-style-name="N_INT"/>
        <style:style style:name="ce_code" style:family="table-cell" style:data-style-name="N_CODE"/>
        <style:style style:name="ce_dec" style:family="table-cell" style:data-style-name="N_DEC"/>
        <style:style style:name="ce_pct" style:family="table-cell" style:data-style-name="N_PCT"/>
        <style:style style:name="ce_date" style:family="table-cell" style:data-style-name="N_DATE"/>
        <style:style style:name="ce_head" style:family="table-cell"><style:table-cell-properties fo:background-color="#eef3f8"/><style:text-properties fo:font-weight="bold"/></style:style>

        """

    /// One table cell: numbers as float/percentage/currency, dates as dates, everything else a string.
    /// A table's column declaration, heading row and rows, as the spreadsheet and the text document both lay
    /// them out. In the text document the heading row repeats on every page and paragraphs carry the table
    /// styles.
    static func tableContent(_ table: Table, style: NumberStyle, currency: String, textDocument: Bool) -> String {
        var content = "<table:table-column table:number-columns-repeated=\"\(max(table.columns.count, 1))\"/>\n"
        content += textDocument ? "<table:table-header-rows><table:table-row>" : "<table:table-row>"
        for column in table.columns {
            content += "<table:table-cell table:style-name=\"ce_head\" office:value-type=\"string\">"
            content += textDocument ? "<text:p text:style-name=\"Table_20_Heading\">" : "<text:p>"
            content += "\(xmlEscape(column))</text:p></table:table-cell>"
        }
        content += textDocument ? "</table:table-row></table:table-header-rows>\n" : "</table:table-row>\n"
        let paragraphStyle = textDocument ? "Table_20_Contents" : nil
        for row in table.rows + (table.footer.map { [$0] } ?? []) {
            content += "<table:table-row>"
            for cell in row {
                content += ODFWriter.cell(cell, style: style, currency: currency, paragraphStyle: paragraphStyle)
            }
            content += "</table:table-row>\n"
        }
        return content
    }

    static func cell(_ cell: Cell, style: NumberStyle, currency: String, paragraphStyle: String?) -> String {
        let shown = xmlEscape(cell.text(style, currency: currency))
        let numberParagraph = paragraphStyle.map { _ in " text:style-name=\"Table_20_Number\"" } ?? ""
        let textParagraph = paragraphStyle.map { " text:style-name=\"\($0)\"" } ?? ""
        switch cell {
        case .integer(let value):
            return
                "<table:table-cell table:style-name=\"ce_int\" office:value-type=\"float\" office:value=\"\(value)\">"
                + "<text:p\(numberParagraph)>\(shown)</text:p></table:table-cell>"
        case .code(let value):
            // A number for lookups and sorting, shown without grouping (a code, not a quantity).
            return
                "<table:table-cell table:style-name=\"ce_code\" office:value-type=\"float\" office:value=\"\(value)\">"
                + "<text:p\(numberParagraph)>\(shown)</text:p></table:table-cell>"
        case .decimal(let value, _):
            return "<table:table-cell table:style-name=\"ce_dec\" office:value-type=\"float\" "
                + "office:value=\(quoted(value))><text:p\(numberParagraph)>\(shown)</text:p></table:table-cell>"
        case .percent(.some(let share)):
            return "<table:table-cell table:style-name=\"ce_pct\" office:value-type=\"percentage\" "
                + "office:value=\(quoted(share))><text:p\(numberParagraph)>\(shown)</text:p></table:table-cell>"
        case .money(let value):
            return "<table:table-cell table:style-name=\"ce_int\" office:value-type=\"currency\" "
                + "office:currency=\"\(xmlEscape(currency))\" office:value=\(quoted(value))>"
                + "<text:p\(numberParagraph)>\(shown)</text:p></table:table-cell>"
        case .date(let day) where isISODay(day):
            return "<table:table-cell table:style-name=\"ce_date\" office:value-type=\"date\" "
                + "office:date-value=\"\(day)\"><text:p\(textParagraph)>\(shown)</text:p></table:table-cell>"
        case .empty:
            return "<table:table-cell/>"
        default:
            return "<table:table-cell office:value-type=\"string\"><text:p\(textParagraph)>\(shown)</text:p>"
                + "</table:table-cell>"
        }
    }

    static func quoted(_ value: Double) -> String {
        "\"" + (value.isFinite ? String(value) : "0") + "\""
    }

    static func isISODay(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        return parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}

/// Every table as a sheet; numbers as numbers, dates as dates.
enum ODSRenderer {
    static func write(_ document: ReportDocument, to url: URL) throws {
        let style = document.style
        var content = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content \(ODFWriter.namespaces) office:version="1.3">
            <office:automatic-styles>
            \(ODFWriter.dataStyles(document.language))</office:automatic-styles>
            <office:body>
            <office:spreadsheet>

            """
        var used = Set<String>()
        for table in document.tables {
            let name = sheetName(table.title, used: &used)
            content += "<table:table table:name=\"\(xmlEscape(name))\">\n"
            content += ODFWriter.tableContent(table, style: style, currency: document.currency, textDocument: false)
            content += "</table:table>\n"
        }
        content += "</office:spreadsheet>\n</office:body>\n</office:document-content>\n"
        try ODFWriter.write(
            to: url, mediaType: "application/vnd.oasis.opendocument.spreadsheet", content: content,
            styles: ODFWriter.styles(document), meta: ODFWriter.meta(document))
    }

    /// Sheet names: no `[]*?:/\'`, at most 31 characters (what Excel accepts too), unique.
    static func sheetName(_ title: String, used: inout Set<String>) -> String {
        let forbidden: Set<Character> = ["[", "]", "*", "?", ":", "/", "\\", "'"]
        var base = String(title.filter { !forbidden.contains($0) && !$0.isNewline }.prefix(31))
            .trimmingCharacters(in: .whitespaces)
        if base.isEmpty { base = "Sheet" }
        var name = base
        var number = 2
        while used.contains(name) {
            let suffix = " \(number)"
            name = String(base.prefix(31 - suffix.count)) + suffix
            number += 1
        }
        used.insert(name)
        return name
    }
}

/// The report as a text document: headings, paragraphs, tables, and the map and charts as SVG pictures.
enum ODTRenderer {
    static func write(
        _ document: ReportDocument, to url: URL, geometry: MunicipalityGeometry, directory: AuthorityDirectory
    ) throws {
        let style = document.style
        var pictures: [ODFWriter.Picture] = []
        var automatic = ODFWriter.dataStyles(document.language)
        var body = "<text:p text:style-name=\"Title\">\(xmlEscape(document.title))</text:p>\n"
        body += "<text:p text:style-name=\"Subtitle\">\(xmlEscape(document.subtitle))</text:p>\n"
        var tableNumber = 0

        func image(_ svg: String, name: String, title: String) {
            let path = "Pictures/\(name).svg"
            pictures.append(ODFWriter.Picture(path: path, mediaType: "image/svg+xml", bytes: Array(svg.utf8)))
            let (width, height) = svgSize(svg)
            let widthCm = min(17.0, width / 560 * 16)
            let heightCm = widthCm * height / max(width, 1)
            body += "<text:p text:style-name=\"Standard\"><draw:frame draw:name=\"\(name)\" "
            body += "text:anchor-type=\"as-char\" svg:width=\"\(String(format: "%.2f", widthCm))cm\" "
            body += "svg:height=\"\(String(format: "%.2f", heightCm))cm\">"
            body += "<draw:image xlink:href=\"\(path)\" xlink:type=\"simple\" xlink:show=\"embed\" "
            body += "xlink:actuate=\"onLoad\"/><svg:title>\(xmlEscape(title))</svg:title></draw:frame></text:p>\n"
        }

        for section in document.sections {
            body +=
                "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">\(xmlEscape(section.title))</text:h>\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let text):
                    body += "<text:p text:style-name=\"Standard\">\(xmlEscape(text))</text:p>\n"
                case .notice(let text):
                    body += "<text:p text:style-name=\"Notice\">\(xmlEscape(text))</text:p>\n"
                case .figures(let figures):
                    for figure in figures {
                        body += "<text:p text:style-name=\"Figure_20_Label\">\(xmlEscape(figure.label))</text:p>\n"
                        body += "<text:p text:style-name=\"Figure_20_Value\">\(xmlEscape(figure.value))</text:p>\n"
                        body += "<text:p text:style-name=\"Figure_20_Label\">\(xmlEscape(figure.note))</text:p>\n"
                    }
                case .table(let table):
                    tableNumber += 1
                    let tableStyle = "Tab\(tableNumber)"
                    automatic += "<style:style style:name=\"\(tableStyle)\" style:family=\"table\">"
                    automatic +=
                        "<style:table-properties style:width=\"17cm\" table:align=\"margins\"/></style:style>\n"
                    body += "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">"
                    body += "\(xmlEscape(table.title))</text:h>\n"
                    body += "<table:table table:name=\"\(xmlEscape(table.id))-\(tableNumber)\" "
                    body += "table:style-name=\"\(tableStyle)\">\n"
                    body += ODFWriter.tableContent(table, style: style, currency: document.currency, textDocument: true)
                    body += "</table:table>\n"
                case .chart(let chart):
                    image(
                        SVGRenderer.chart(chart, style: style), name: "chart\(pictures.count + 1)", title: chart.title)
                case .map(let spec):
                    image(
                        SVGRenderer.map(spec, geometry: geometry, directory: directory, style: style), name: "map",
                        title: spec.title)
                    body += "<text:p text:style-name=\"Figure_20_Label\">\(xmlEscape(spec.attribution))</text:p>\n"
                }
            }
        }
        let content = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content \(ODFWriter.namespaces) office:version="1.3">
            <office:automatic-styles>
            \(automatic)</office:automatic-styles>
            <office:body>
            <office:text>
            \(body)</office:text>
            </office:body>
            </office:document-content>

            """
        try ODFWriter.write(
            to: url, mediaType: "application/vnd.oasis.opendocument.text", content: content,
            styles: ODFWriter.styles(document), meta: ODFWriter.meta(document), pictures: pictures)
    }

    /// Width and height from the SVG's root `width`/`height` attributes (our own SVG, always present).
    static func svgSize(_ svg: String) -> (Double, Double) {
        func attribute(_ name: String) -> Double {
            guard let range = svg.range(of: " \(name)=\"") else { return 100 }
            let rest = svg[range.upperBound...]
            return Double(rest.prefix { $0 != "\"" }) ?? 100
        }
        return (attribute("width"), attribute("height"))
    }
}
