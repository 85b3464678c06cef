import Foundation
import XMLKit
import ZipKit

/// One sheet's rows, held in memory (a sheet is bounded by the entry size cap).
final class SheetRows: RowSource {
    private let rows: [(number: Int, cells: [String])]
    private var index = -1

    init(rows: [(number: Int, cells: [String])]) {
        self.rows = rows
    }

    func advance() throws(ImportError) -> Bool {
        index += 1
        return index < rows.count
    }

    var line: Int { rows[index].number }
    var fieldCount: Int { rows[index].cells.count }
    var rowProblem: String? { nil }
    var flagsShortRows: Bool { false }

    func field(_ column: Int) -> String {
        let cells = rows[index].cells
        return column >= 0 && column < cells.count ? cells[column] : ""
    }

    func fieldIsEmpty(_ column: Int) -> Bool { field(column).isEmpty }
}

/// XLSX (SpreadsheetML) and ODS workbooks: the first sheet (or the one named by `--sheet`) is read as a table,
/// through ZipKit (entry sizes capped) and XMLKit (DTDs refused, depth capped).
enum SpreadsheetReader {
    /// Inflated size allowed for one sheet's XML.
    static let maxEntryBytes = 512 << 20
    /// Columns beyond this are ignored (Excel's limit is 16,384).
    static let maxColumns = 16_384
    /// Repeated empty rows and cells (ODS writes `number-rows-repeated="1048000"`) are not expanded past this.
    static let maxRepeat = 1_000

    static func importWorkbook(stream: TextStream, forced: InputFormat?, emitter: RecordEmitter) throws(ImportError) {
        let bytes = try stream.remainingRawBytes(limit: emitter.options.maxWholeFileBytes)
        let archive: ZipArchive
        do {
            archive = try ZipArchive(bytes: bytes)
        } catch {
            throw .malformed(file: emitter.fileName, format: "spreadsheet (ZIP)", line: nil, reason: error.description)
        }
        let sheetName: String
        let rows: [(number: Int, cells: [String])]
        do {
            if archive.entry(named: "xl/workbook.xml") != nil {
                emitter.report.format = .xlsx
                (sheetName, rows) = try readXLSX(archive, sheet: emitter.options.sheet, file: emitter.fileName)
            } else if archive.entry(named: "content.xml") != nil {
                emitter.report.format = .ods
                (sheetName, rows) = try readODS(archive, sheet: emitter.options.sheet, file: emitter.fileName)
            } else {
                throw ImportError.unrecognisedFormat(
                    file: emitter.fileName, detail: "a ZIP archive that is neither an XLSX nor an ODS workbook")
            }
        } catch let error as ImportError {
            throw error
        } catch let error as ZipError {
            throw .malformed(file: emitter.fileName, format: "spreadsheet", line: nil, reason: error.description)
        } catch let error as XMLError {
            throw AgentXML.convert(error, file: emitter.fileName)
        } catch {
            throw .malformed(file: emitter.fileName, format: "spreadsheet", line: nil, reason: "\(error)")
        }
        emitter.note("sheet: \(sheetName)")
        let tableFormat: InputFormat =
            forced.flatMap { [.kitos, .usageCSV, .usageEvidence].contains($0) ? $0 : nil } ?? .csv
        let before = emitter.report.format
        try TableImporter.importRows(SheetRows(rows: rows), forced: tableFormat, emitter: emitter)
        if emitter.report.format == .csv { emitter.report.format = before }
        if emitter.report.format != .kitos, let variant = emitter.report.variant {
            emitter.report.variant = "\(variant), sheet \(sheetName)"
        }
    }

    // MARK: XLSX

    static let spreadsheetML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func readXLSX(
        _ archive: ZipArchive, sheet wanted: String?, file: String
    ) throws -> (String, [(number: Int, cells: [String])]) {
        // workbook.xml: sheet names and relationship ids, in order.
        var sheets: [(name: String, id: String)] = []
        let workbook = try XMLStreamReader(bytes: try archive.read(named: "xl/workbook.xml", limit: maxEntryBytes))
        while let event = try workbook.next() {
            if case .startElement(let start) = event, start.localName == "sheet",
                let name = start.attributes.first(where: { $0.localName == "name" })?.value,
                let id = start.attribute("id", namespace: relationshipsNS)
            {
                sheets.append((name, id))
            }
        }
        guard !sheets.isEmpty else {
            throw ImportError.malformed(file: file, format: "xlsx", line: nil, reason: "no sheets")
        }
        let chosen: (name: String, id: String)
        if let wanted {
            guard
                let found = sheets.first(where: { $0.name == wanted })
                    ?? sheets.first(where: {
                        $0.name.lowercased() == wanted.lowercased()
                    })
            else {
                throw ImportError.missingColumns(
                    file: file, detail: "no sheet \"\(wanted)\" (sheets: \(sheets.map(\.name).joined(separator: ", ")))"
                )
            }
            chosen = found
        } else {
            chosen = sheets[0]
        }
        // Relationship id → part name.
        var target: String?
        if let rels = archive.entry(named: "xl/_rels/workbook.xml.rels") {
            let reader = try XMLStreamReader(bytes: try archive.read(rels, limit: maxEntryBytes))
            while let event = try reader.next() {
                if case .startElement(let start) = event, start.localName == "Relationship",
                    start.attributes.first(where: { $0.localName == "Id" })?.value == chosen.id
                {
                    target = start.attributes.first(where: { $0.localName == "Target" })?.value
                }
            }
        }
        var partName =
            target.map { $0.hasPrefix("/") ? String($0.dropFirst()) : "xl/" + $0 } ?? "xl/worksheets/sheet1.xml"
        partName = partName.replacingOccurrences(of: "xl/./", with: "xl/")
        let sharedStrings = try readSharedStrings(archive)
        guard let sheetEntry = archive.entry(named: partName) else {
            throw ImportError.malformed(
                file: file, format: "xlsx", line: nil, reason: "sheet part \(partName) is missing")
        }
        let reader = try XMLStreamReader(bytes: try archive.read(sheetEntry, limit: maxEntryBytes))
        var rows: [(number: Int, cells: [String])] = []
        var rowNumber = 0
        var cells: [String] = []
        var cellColumn = 0
        var cellType = ""
        var value = ""
        var inValue = false
        var inInlineText = false
        while let event = try reader.next() {
            switch event {
            case .startElement(let start):
                switch start.localName {
                case "row":
                    rowNumber =
                        start.attributes.first(where: { $0.localName == "r" }).flatMap { Int($0.value) }
                        ?? rowNumber + 1
                    cells = []
                case "c":
                    let reference = start.attributes.first(where: { $0.localName == "r" })?.value
                    cellColumn = reference.flatMap(columnIndex) ?? cells.count
                    cellType = start.attributes.first(where: { $0.localName == "t" })?.value ?? "n"
                    value = ""
                case "v": inValue = true
                case "t": inInlineText = true
                default: break
                }
            case .text(let text, _):
                if inValue || inInlineText { value += text }
            case .endElement(let name, _, _):
                switch name {
                case "v": inValue = false
                case "t": inInlineText = false
                case "c":
                    guard cellColumn < maxColumns else { break }
                    var text = value
                    if cellType == "s" {
                        text =
                            Int(value).flatMap { $0 >= 0 && $0 < sharedStrings.count ? sharedStrings[$0] : nil } ?? ""
                    } else if cellType == "b" {
                        text = value == "1" ? "TRUE" : "FALSE"
                    }
                    if cellColumn >= cells.count { cells += Array(repeating: "", count: cellColumn - cells.count + 1) }
                    cells[cellColumn] = text
                case "row":
                    rows.append((rowNumber, cells))
                default: break
                }
            }
        }
        return (chosen.name, rows)
    }

    static func readSharedStrings(_ archive: ZipArchive) throws -> [String] {
        guard let entry = archive.entry(named: "xl/sharedStrings.xml") else { return [] }
        let reader = try XMLStreamReader(bytes: try archive.read(entry, limit: maxEntryBytes))
        var strings: [String] = []
        var current = ""
        var inText = false
        var inPhonetic = false
        while let event = try reader.next() {
            switch event {
            case .startElement(let start):
                if start.localName == "si" { current = "" }
                if start.localName == "t" { inText = true }
                if start.localName == "rPh" { inPhonetic = true }
            case .text(let text, _):
                if inText && !inPhonetic { current += text }
            case .endElement(let name, _, _):
                if name == "t" { inText = false }
                if name == "rPh" { inPhonetic = false }
                if name == "si" { strings.append(current) }
            }
        }
        return strings
    }

    /// `AB12` → 27 (0-based column of the letters).
    static func columnIndex(_ reference: String) -> Int? {
        var column = 0
        var sawLetter = false
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            column = column * 26 + Int(scalar.value - 64)
            sawLetter = true
            if column > maxColumns { return maxColumns }
        }
        return sawLetter ? column - 1 : nil
    }

    // MARK: ODS

    static let tableNS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    static let officeNS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

    static func readODS(
        _ archive: ZipArchive, sheet wanted: String?, file: String
    ) throws -> (String, [(number: Int, cells: [String])]) {
        let reader = try XMLStreamReader(bytes: try archive.read(named: "content.xml", limit: maxEntryBytes))
        var names: [String] = []
        var chosen: String?
        var inChosen = false
        var rows: [(number: Int, cells: [String])] = []
        var rowNumber = 0
        var rowRepeat = 1
        var cells: [String] = []
        var cellRepeat = 1
        var cellText = ""
        var paragraphs = 0
        var cellValue: String?
        var inCell = false
        while let event = try reader.next() {
            switch event {
            case .startElement(let start):
                if start.localName == "table" && start.namespaceURI == tableNS {
                    let name = start.attribute("name", namespace: tableNS) ?? "Sheet\(names.count + 1)"
                    names.append(name)
                    if chosen == nil && (wanted == nil || wanted == name || wanted?.lowercased() == name.lowercased()) {
                        chosen = name
                        inChosen = true
                    }
                    continue
                }
                guard inChosen else { continue }
                if start.localName == "table-row" && start.namespaceURI == tableNS {
                    rowRepeat = start.attribute("number-rows-repeated", namespace: tableNS).flatMap { Int($0) } ?? 1
                    cells = []
                } else if (start.localName == "table-cell" || start.localName == "covered-table-cell")
                    && start.namespaceURI == tableNS
                {
                    cellRepeat = start.attribute("number-columns-repeated", namespace: tableNS).flatMap { Int($0) } ?? 1
                    cellText = ""
                    paragraphs = 0
                    inCell = true
                    let type = start.attribute("value-type", namespace: officeNS)
                    cellValue =
                        type == "date"
                        ? start.attribute("date-value", namespace: officeNS)
                        : (type == "float" || type == "percentage" || type == "currency")
                            ? start.attribute("value", namespace: officeNS) : nil
                } else if inCell && start.localName == "p" {
                    if paragraphs > 0 { cellText += "\n" }
                    paragraphs += 1
                } else if inCell && start.localName == "s" {
                    let count = start.attributes.first(where: { $0.localName == "c" }).flatMap { Int($0.value) } ?? 1
                    cellText += String(repeating: " ", count: min(count, 100))
                } else if inCell && start.localName == "tab" {
                    cellText += "\t"
                }
            case .text(let text, _):
                if inChosen && inCell { cellText += text }
            case .endElement(let name, let namespace, _):
                if name == "table" && namespace == tableNS {
                    inChosen = false
                    continue
                }
                guard inChosen else { continue }
                if (name == "table-cell" || name == "covered-table-cell") && namespace == tableNS {
                    inCell = false
                    let text = cellValue.map { value in cellText.isEmpty ? value : cellText } ?? cellText
                    let repeats = text.isEmpty ? min(cellRepeat, maxRepeat) : min(cellRepeat, maxColumns)
                    for _ in 0..<repeats where cells.count < maxColumns { cells.append(text) }
                } else if name == "table-row" && namespace == tableNS {
                    while cells.last == "" { cells.removeLast() }
                    let repeats = cells.isEmpty ? min(rowRepeat, maxRepeat) : min(rowRepeat, 1_000_000)
                    for _ in 0..<repeats {
                        rowNumber += 1
                        if !cells.isEmpty { rows.append((rowNumber, cells)) }
                    }
                }
            }
        }
        guard let chosen else {
            if let wanted {
                throw ImportError.missingColumns(
                    file: file, detail: "no sheet \"\(wanted)\" (sheets: \(names.joined(separator: ", ")))")
            }
            throw ImportError.malformed(file: file, format: "ods", line: nil, reason: "no table")
        }
        return (chosen, rows)
    }
}
