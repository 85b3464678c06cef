import Foundation
import OverblikModel

/// What a table holds, decided from its header row.
enum TableKind: Equatable {
    case inventory(ColumnMapping)
    case kitos(KitosColumns)
    case usage(UsageColumns)
}

struct KitosColumns: Equatable {
    var system: Int
    var localName: Int?
    var formerName: Int?
    var lifecycle: Int?
    var status: Int?
    var startDate: Int?
    var endDate: Int?
    var supplier: Int?
    var rightsHolder: Int?
}

struct UsageColumns: Equatable {
    var organisation: Int
    var product: Int
    var relation: Int
    var date: Int?
    var evidence: Int?
    /// The public evidence TSV (`os2-usage-evidence.tsv`) rather than a facilitator's declarations.
    var isPublicEvidence: Bool
}

/// Tables (CSV/TSV files and spreadsheet sheets) → records or usage declarations.
enum TableImporter {
    static let headerSearchRows = 30

    static func importCSV(stream: TextStream, forced: InputFormat, emitter: RecordEmitter) throws(ImportError) {
        let delimiter = DelimiterSniffer.sniff(stream.peekPrefix())
        let reader = CSVReader(stream: stream, delimiter: delimiter, maxRecordBytes: emitter.options.maxRecordBytes)
        let name: String =
            switch delimiter {
            case 0x09: "tab"
            case 0x3B: "semicolon"
            case 0x7C: "pipe"
            default: "comma"
            }
        emitter.note("delimiter: \(name)", kind: .delimiter)
        if let size = stream.file.fileSize, size >= emitter.options.rowPrefetchMinimumBytes {
            // Reading, hashing and splitting a large file into rows run on a second core meanwhile.
            let rows = PrefetchedRows(reader: reader)
            defer { rows.stop() }
            try importRows(rows, forced: forced, emitter: emitter)
        } else {
            try importRows(reader, forced: forced, emitter: emitter)
        }
    }

    static func importRows(_ rows: any RowSource, forced: InputFormat, emitter: RecordEmitter) throws(ImportError) {
        var preambleRows = 0
        var header: [String]?
        var kind: TableKind?
        var firstHeaderCandidate: [String]?
        while try rows.advance() {
            let fields = rows.allFields
            let first = fields.first?.trimmedField ?? ""
            if fields.count <= 1 && (first.hasPrefix("#TYPE") || first.hasPrefix("sep=") || first.isEmpty) {
                continue  // PowerShell's type line, Excel's separator hint
            }
            if firstHeaderCandidate == nil { firstHeaderCandidate = fields }
            if let override = emitter.options.columnMap {
                let base = HeaderRecognizer.recognise(fields)
                if try firstRowIsData(fields, override: override, recognised: base != nil, emitter: emitter) {
                    // No header: the columns are the numbers --map gave, and this row is the first record.
                    let mapping = try HeaderRecognizer.apply(
                        override, header: fields, base: nil, file: emitter.fileName)
                    emitter.note("no header: the first row is data (--map gives column numbers only)")
                    emitter.report.variant = mapping.preset
                    try importInventory(
                        rows, header: fields, mapping: mapping, currentRowIsData: true, emitter: emitter)
                    return
                }
                kind = .inventory(
                    try HeaderRecognizer.apply(override, header: fields, base: base, file: emitter.fileName))
            } else if emitter.options.firstRow == .data {
                throw .invalidMapping(
                    file: emitter.fileName, detail: "a file without a header needs --map with column numbers")
            } else {
                kind = recognise(fields, forced: forced)
            }
            if kind != nil {
                header = fields
                break
            }
            preambleRows += 1
            if preambleRows >= headerSearchRows { break }
        }
        guard let header, let kind else {
            let shown = (firstHeaderCandidate ?? []).prefix(12).joined(separator: ", ")
            throw .missingColumns(
                file: emitter.fileName,
                detail: firstHeaderCandidate == nil
                    ? "no rows"
                    : "no column for the software title in the first \(headerSearchRows) rows (first row: \(shown)); "
                        + "name one with --map title=COLUMN")
        }
        if preambleRows > 0 {
            emitter.note("header found at line \(rows.line) after \(preambleRows) row(s) of preamble")
        }
        switch kind {
        case .inventory(let mapping):
            emitter.report.variant = mapping.preset
            if emitter.report.format == .kitos || emitter.report.format == .usageCSV {
                emitter.report.format = .csv
            }
            try importInventory(rows, header: header, mapping: mapping, emitter: emitter)
        case .kitos(let columns):
            emitter.report.format = .kitos
            emitter.report.variant = "kitos-it-systemer-overblik"
            try importKitos(rows, columns: columns, width: header.count, emitter: emitter)
        case .usage(let columns):
            emitter.report.format = columns.isPublicEvidence ? .usageEvidence : .usageCSV
            try importUsage(rows, columns: columns, width: header.count, emitter: emitter)
        }
    }

    /// Whether the first row of a table read with `--map` is a record rather than a header. `--header` and
    /// `--no-header` say so; otherwise it is data only when every column is given by number (nothing needs a
    /// header), no preset or synonym recognises the row as a header, and a cell starts with a digit, as a
    /// version, count or date does and a column name does not.
    static func firstRowIsData(
        _ fields: [String], override: ColumnMapOverride, recognised: Bool, emitter: RecordEmitter
    ) throws(ImportError) -> Bool {
        let allNumbers = override.entries.values.allSatisfy { Int($0) != nil }
        switch emitter.options.firstRow {
        case .header: return false
        case .data:
            guard allNumbers else {
                throw .invalidMapping(
                    file: emitter.fileName, detail: "without a header, columns can only be given by number")
            }
            return true
        case .auto:
            return allNumbers && !recognised
                && fields.contains { $0.trimmedField.first?.isNumber == true }
        }
    }

    static func recognise(_ header: [String], forced: InputFormat) -> TableKind? {
        let names = header.map(HeaderRecognizer.normalise)
        func column(_ candidates: String...) -> Int? {
            for candidate in candidates { if let found = names.firstIndex(of: candidate) { return found } }
            return nil
        }
        if forced == .csv || forced == .kitos, let system = column("itsystem", "itsystemnavn", "systemnavn"),
            forced == .kitos || column("livscyklus", "statuslivscyklus", "ansvorganisationsenhed", "status") != nil
        {
            return .kitos(
                KitosColumns(
                    system: system, localName: column("lokalkaldenavn"), formerName: column("tidligeresystemnavn"),
                    lifecycle: column("livscyklus", "statuslivscyklus"), status: column("status"),
                    startDate: column("ibrugtagningsdato"), endDate: column("slutdatoforanvendelse"),
                    supplier: column("leverandør", "leverandor", "supplier"), rightsHolder: column("rettighedshaver")))
        }
        if forced != .kitos, let product = column("productid", "product", "produkt", "productname"),
            let relation = column("relation", "relationship", "relation"),
            let organisation = column(
                "code", "organisation", "organization", "kommunekode", "kommune",
                "municipalityorregion", "myndighed")
        {
            let isEvidence = forced == .usageEvidence || names.contains("productid") || names.contains("evidenceurl")
            return .usage(
                UsageColumns(
                    organisation: organisation, product: product, relation: relation,
                    date: column("date", "dateoryear", "dato", "year"),
                    evidence: column("evidence", "evidenceurl", "kilde", "source", "url"),
                    isPublicEvidence: isEvidence))
        }
        if forced == .kitos || forced == .usageCSV || forced == .usageEvidence { return nil }
        return HeaderRecognizer.recognise(header).map(TableKind.inventory)
    }

    // MARK: Inventory rows

    /// `currentRowIsData`: the row the source is on is the first record (a file without a header).
    static func importInventory(
        _ rows: any RowSource, header: [String], mapping: ColumnMapping, currentRowIsData: Bool = false,
        emitter: RecordEmitter
    ) throws(ImportError) {
        let columns = mapping.columns
        let title = columns[.title]!
        let isDefender = mapping.preset.hasPrefix("defender")
        if columns[.host] == nil && !mapping.isAggregate {
            // An export made on one machine (PowerShell's Uninstall keys): the file is the host.
            emitter.fileHost = emitter.fileIdentity
        }
        if columns[.organisation] == nil && emitter.options.organisation == nil {
            throw .missingOrganisation(file: emitter.fileName)
        }
        let width = header.count
        // Column indices resolved once, not looked up per row (-1: absent).
        let versionColumn = columns[.version] ?? -1
        let publisherColumn = columns[.publisher] ?? -1
        let hostColumn = columns[.host] ?? -1
        let platformColumn = columns[.platform] ?? -1
        let packageColumn = columns[.package] ?? -1
        let organisationColumn = columns[.organisation] ?? -1
        let dateColumn = columns[.installDate] ?? -1
        let countColumn = columns[.count] ?? -1
        func optional(_ index: Int) -> String? {
            guard index >= 0, !rows.fieldIsEmpty(index) else { return nil }
            return rows.field(index)
        }
        func importRow(line: Int) throws(ImportError) {
            if rows.fieldCount > width, (width..<rows.fieldCount).contains(where: { !rows.fieldIsEmpty($0) }) {
                emitter.unreadable(line: line, "\(rows.fieldCount) fields where the header has \(width)")
                return
            }
            if rows.fieldIsEmpty(title) {
                if rows.isBlankRow {
                    emitter.report.linesRead -= 1  // a row of empty fields is a blank line
                } else {
                    emitter.skip("no title")
                }
                return
            }
            if rows.fieldCount < width && rows.flagsShortRows {
                emitter.shortRow(line: line, fields: rows.fieldCount, width: width)
            }
            var item = RawItem(line: line, title: rows.field(title))
            item.version = optional(versionColumn)
            item.publisher = optional(publisherColumn)
            item.host = optional(hostColumn)
            item.platform = optional(platformColumn)
            item.package = optional(packageColumn)
            item.organisationText = optional(organisationColumn)
            if dateColumn >= 0, !rows.fieldIsEmpty(dateColumn) { item.installDate = rows.dateValue(dateColumn) }
            if let text = optional(countColumn) {
                guard let count = ValueParsing.installCount(text) else {
                    emitter.unreadable(line: line, "install count \"\(text)\" is not a whole number")
                    return
                }
                item.count = count
            } else if mapping.isAggregate {
                emitter.unreadable(line: line, "no install count")
                return
            }
            if isDefender { item.classificationTitle = defenderTitle(name: item.title, vendor: item.publisher) }
            try emitter.emit(item)
        }
        if currentRowIsData {
            emitter.report.linesRead += 1
            if let problem = rows.rowProblem {
                emitter.unreadable(line: rows.line, problem)
            } else {
                try importRow(line: rows.line)
            }
        }
        while let line = try nextReadableRow(rows, emitter) { try importRow(line: line) }
    }

    /// Defender writes CPE-style names (`desktop_editors`, vendor `onlyoffice`): classify "onlyoffice desktop editors".
    static func defenderTitle(name: String, vendor: String?) -> String {
        let readable = name.replacingOccurrences(of: "_", with: " ")
        guard let vendor, !vendor.isEmpty else { return readable }
        let readableVendor = vendor.replacingOccurrences(of: "_", with: " ")
        return readable.lowercased().hasPrefix(readableVendor.lowercased()) ? readable : readableVendor + " " + readable
    }

    // MARK: KITOS

    static func importKitos(
        _ rows: any RowSource, columns: KitosColumns, width: Int, emitter: RecordEmitter
    ) throws(ImportError) {
        guard let organisation = emitter.options.organisation else {
            throw .missingOrganisation(file: emitter.fileName)
        }
        while let (line, system) = try nextDeclaration(
            rows, width: width, emitter, named: columns.system, "IT system name")
        {
            let names = [system, rows.trimmedValue(columns.localName), rows.trimmedValue(columns.formerName)].compactMap
            { $0 }
            guard let product = names.lazy.compactMap({ emitter.classifier.productID(for: $0) }).first else {
                emitter.skip("IT system not in the catalog")
                if emitter.report.unknownTitles.count < FileImportReport.unknownTitleCap {
                    emitter.report.unknownTitles[system, default: 0] += 1
                }
                continue
            }
            let relation = kitosRelation(
                lifecycle: rows.trimmedValue(columns.lifecycle), status: rows.trimmedValue(columns.status))
            let dateText =
                relation == .retired
                ? (rows.trimmedValue(columns.endDate) ?? rows.trimmedValue(columns.startDate))
                : rows.trimmedValue(columns.startDate)
            let date = dateText.map { ValueParsing.isoDay($0) ?? $0 }
            try emitter.emit(
                UsageDeclaration(
                    organisation: organisation, product: product, relation: relation, date: date,
                    evidence: "KITOS IT Systemer Overblik: \(system)", evidenceKind: .kitos,
                    source: emitter.report.source, line: line))
        }
    }

    /// Advances to the next row whose fields could be read and returns its line; nil at the end. Every row passed
    /// counts as read, and an unreadable one is reported on the way.
    static func nextReadableRow(_ rows: any RowSource, _ emitter: RecordEmitter) throws(ImportError) -> Int? {
        while try rows.advance() {
            emitter.report.linesRead += 1
            if let problem = rows.rowProblem {
                emitter.unreadable(line: rows.line, problem)
                continue
            }
            return rows.line
        }
        return nil
    }

    /// The next row of a declaration table (KITOS, usage) that names what `column` holds, with its line, counted
    /// as read; nil at the end. Unreadable rows, and rows without that value, are reported on the way (a row of
    /// empty fields is a blank line, not counted); a short row is flagged and kept.
    static func nextDeclaration(
        _ rows: any RowSource, width: Int, _ emitter: RecordEmitter, named column: Int, _ what: String
    ) throws(ImportError) -> (line: Int, value: String)? {
        while let line = try nextReadableRow(rows, emitter) {
            guard let value = rows.trimmedValue(column) else {
                if rows.isBlankRow {
                    emitter.report.linesRead -= 1
                } else {
                    emitter.unreadable(line: line, "no \(what)")
                }
                continue
            }
            if rows.fieldCount < width && rows.flagsShortRows {
                emitter.shortRow(line: line, fields: rows.fieldCount, width: width)
            }
            return (line, value)
        }
        return nil
    }

    /// KITOS lifecycle (`Livscyklus`): I drift / Under udfasning → uses, Under indfasning → pilot,
    /// Ikke i drift → retired; without one, `Status` Aktiv → uses, Ikke aktiv → retired.
    static func kitosRelation(lifecycle: String?, status: String?) -> UsageRelation {
        if let lifecycle {
            switch HeaderRecognizer.normalise(lifecycle) {
            case "idrift", "operational", "underudfasning", "phasingout": return .uses
            case "underindfasning", "phasingin": return .pilot
            case "ikkeidrift", "notinuse", "udfaset": return .retired
            default: break
            }
        }
        if let status {
            switch HeaderRecognizer.normalise(status) {
            case "aktiv", "active": return .uses
            case "ikkeaktiv", "inactive", "notactive": return .retired
            default: break
            }
        }
        return .retired
    }

    // MARK: Usage declarations

    static let relationSynonyms: [String: UsageRelation] = [
        "bruger": .uses, "anvender": .uses, "idrift": .uses, "use": .uses, "aftale": .agreement,
        "underskrevetaftale": .signedAgreement, "signedagreement": .signedAgreement, "udfaset": .retired,
        "ophørt": .retired, "ophoert": .retired, "cofunding": .coFunding,
        "projectlead": .projectLead, "municipalrepo": .municipalRepo, "deploymentrepo": .deploymentRepo,
    ]

    static func importUsage(
        _ rows: any RowSource, columns: UsageColumns, width: Int, emitter: RecordEmitter
    ) throws(ImportError) {
        emitter.report.variant = columns.isPublicEvidence ? "os2-usage-evidence" : "usage-declarations"
        while let (line, organisationText) = try nextDeclaration(
            rows, width: width, emitter, named: columns.organisation, "organisation")
        {
            guard let organisation = emitter.resolveOrganisation(organisationText) else {
                emitter.unreadable(line: line, "unknown organisation \"\(organisationText)\"")
                continue
            }
            guard let relationText = rows.trimmedValue(columns.relation) else {
                emitter.unreadable(line: line, "no relation")
                continue
            }
            let normalisedRelation = HeaderRecognizer.normalise(relationText)
            guard
                let relation = UsageRelation(rawValue: relationText.lowercased())
                    ?? UsageRelation.allCases.first(where: {
                        HeaderRecognizer.normalise($0.rawValue) == normalisedRelation
                    })
                    ?? relationSynonyms[normalisedRelation]
            else {
                let known = UsageRelation.allCases.map(\.rawValue).joined(separator: ", ")
                emitter.unreadable(line: line, "unknown relation \"\(relationText)\" (one of: \(known))")
                continue
            }
            guard let productText = rows.trimmedValue(columns.product) else {
                emitter.unreadable(line: line, "no product")
                continue
            }
            let product: String
            if let known = emitter.classifier.productID(for: productText) {
                product = known
            } else if columns.isPublicEvidence {
                product = productText  // the evidence file's ids are the catalog's vocabulary
            } else {
                emitter.unreadable(line: line, "unknown product \"\(productText)\"")
                continue
            }
            let date = rows.trimmedValue(columns.date).map { text in
                text.count == 10 && text.first?.isNumber == true ? (ValueParsing.isoDay(text) ?? text) : text
            }
            try emitter.emit(
                UsageDeclaration(
                    organisation: organisation, product: product, relation: relation, date: date,
                    evidence: rows.trimmedValue(columns.evidence),
                    evidenceKind: columns.isPublicEvidence ? .publicEvidence : .usageDeclaration,
                    source: emitter.report.source, line: line))
        }
    }
}
