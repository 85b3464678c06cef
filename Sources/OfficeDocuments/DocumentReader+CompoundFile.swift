import CompoundFileKit
import Foundation
import OverblikModel

// Compound files (OLE2 / CFB): legacy Word, Excel and PowerPoint, StarOffice 5, encrypted OOXML. libgsf lists the
// directory (CompoundFileKit); a few stream headers say what the directory cannot: encryption, templates, macro
// sheets and links in a workbook.
extension DocumentReader {
    func readCompoundFile(_ opened: inout OpenedFile, head: [UInt8], ext: String, into record: inout DocumentRecord) {
        record.container = .binary
        let file: CompoundFile
        do {
            file =
                head.count == Int(opened.size)
                ? try CompoundFile(bytes: head) : try CompoundFile(fileDescriptor: opened.fd, path: record.path)
        } catch {
            // What the extension says stays (as for any unreadable file); the error says what is wrong.
            let known = CompoundFileFormat.format(streamNames: [], ext: ext)
            record.family = known.family == .other ? DocumentFormats.family(forExtension: ext) : known.family
            record.format = ext.isEmpty ? "cfb" : ext
            fail(&record, compoundFileError: error)
            return
        }
        let rootNames = Set(file.entries.lazy.filter { $0.parent.isEmpty }.map(\.name))
        let known = CompoundFileFormat.format(streamNames: rootNames, ext: ext)
        record.family = known.family
        record.format = known.format
        record.mimetype = known.mimetype
        record.encrypted = known.encrypted
        if known.family == .other && DocumentFormats.candidateExtensions.contains(ext) && known.format == "cfb" {
            // A compound file we cannot place: the extension decides the family, as the signature allows.
            record.family = DocumentFormats.family(forExtension: ext)
            record.format = ext
        }
        var headers = CompoundFileHeaders(file: file, rootNames: rootNames)
        record.features.formUnion(CompoundFileFeatures.fromDirectory(file.entries))
        record.features.formUnion(headers.features())
        if headers.isEncrypted { record.encrypted = true }
        // The real format behind the extension: Word says in its header whether the file is a template.
        if let isTemplate = headers.wordIsTemplate, record.format == "doc" || record.format == "dot" {
            record.format = isTemplate ? "dot" : "doc"
        }
        if headers.excelIsTemplate, record.format == "xls" { record.format = "xlt" }
        warnOnExtension(&record, ext: ext)
        if record.family == .legacy { readPropertySets(file, rootNames: rootNames, into: &record) }
    }

    /// The producer, dates, counts and template of `\u{5}SummaryInformation`, the application's version and the
    /// presentation counts of `\u{5}DocumentSummaryInformation`, into the fields OOXML's docProps fill (and the
    /// personal fields only when asked). A missing or damaged property set leaves them empty and the outcome as it
    /// was: the document itself was read.
    func readPropertySets(_ file: CompoundFile, rootNames: Set<String>, into record: inout DocumentRecord) {
        if options.includePersonalData { record.personal = PersonalMetadata() }
        let summaryName = "\u{5}SummaryInformation"
        let documentName = "\u{5}DocumentSummaryInformation"
        let summary = rootNames.contains(summaryName) ? try? file.readPropertySet(at: [summaryName]) : nil
        let document = rootNames.contains(documentName) ? try? file.readPropertySet(at: [documentName]) : nil
        guard summary != nil || document != nil else { return }
        typealias Name = PropertySet.Name
        let texts = summary?.texts ?? [:]
        record.application = texts[Name.generator].flatMap(trimmed)
        record.appVersion = document?.integers[Name.applicationVersion].flatMap(Self.applicationVersion)
        if let application = record.application {
            record.generator = [application, record.appVersion].compactMap { $0 }.joined(separator: " ")
        }
        let times = summary?.fileTimes ?? [:]
        record.created = times[PropertySet.createdID].flatMap(Self.date(fileTime:))
        record.metaModified = times[PropertySet.lastSavedID].flatMap(Self.date(fileTime:))
        // PIDSI_EDITTIME is a FILETIME that holds a duration; OOXML's TotalTime is whole minutes.
        record.editingDuration = times[PropertySet.editingTimeID].map { "PT\($0 / 600_000_000)M" }
        record.editingCycles = texts[Name.revision].flatMap { Int(trimmingWhitespace($0)) }
        record.template = texts[Name.template].flatMap(trimmed)
        for (name, statistic) in Self.statisticNames {
            if let value = summary?.integers[name] ?? document?.integers[name] { record.statistics[statistic] = value }
        }
        guard options.includePersonalData else { return }
        // As OOXML's core.xml and app.xml: the Dublin Core fields, the last author under `lastModifiedBy`.
        var personal = PersonalMetadata()
        personal.creator = texts[Name.creator].flatMap(trimmed)
        personal.title = texts[Name.title].flatMap(trimmed)
        personal.subject = texts[Name.subject].flatMap(trimmed)
        personal.description = texts[Name.description].flatMap(trimmed)
        if let keywords = texts[Name.keywords].flatMap(trimmed) { personal.keywords = [keywords] }
        personal.userDefined["lastModifiedBy"] = texts[Name.lastSavedBy]
        personal.userDefined["company"] = document?.texts[Name.company]
        personal.userDefined["manager"] = document?.texts[Name.manager]
        record.personal = personal
    }

    /// Property set counts → the statistic names ODF and OOXML records use.
    static let statisticNames: [(String, String)] = [
        (PropertySet.Name.pageCount, "page-count"), (PropertySet.Name.wordCount, "word-count"),
        (PropertySet.Name.characterCount, "character-count"), (PropertySet.Name.lineCount, "line-count"),
        (PropertySet.Name.paragraphCount, "paragraph-count"), (PropertySet.Name.slideCount, "slide-count"),
        (PropertySet.Name.noteCount, "note-count"), (PropertySet.Name.hiddenSlideCount, "hidden-slide-count"),
    ]

    /// PIDDSI_VERSION (major in the high word, build in the low) as OOXML's AppVersion writes it: `11.6568`.
    static func applicationVersion(_ value: Int) -> String? {
        let word = UInt32(truncatingIfNeeded: value)
        let major = word >> 16
        guard major > 0 else { return nil }
        let minor = String(word & 0xFFFF)
        return "\(major)." + String(repeating: "0", count: max(0, 4 - minor.count)) + minor
    }

    /// A FILETIME (100-ns ticks since 1601-01-01 UTC) in whole seconds; 0 means no date.
    static func date(fileTime: UInt64) -> Date? {
        guard fileTime > 0 else { return nil }
        return Date(timeIntervalSince1970: Double(Int64(fileTime / 10_000_000) - 11_644_473_600))
    }

    func fail(_ record: inout DocumentRecord, compoundFileError error: CompoundFileError) {
        record.errorDetail = error.description
        switch error {
        case .empty: record.error = .empty
        case .unreadable, .noSuchStream, .badPropertySet: record.error = .unreadable
        case .notACompoundFile: record.error = .wrongFormat
        case .tooManyEntries: record.error = .entryTooLarge
        // Links, sectors or sizes beyond what the file holds: as a cut-off file reads.
        case .badHeader, .loop, .outOfRange, .sizeBeyondFile, .corrupt: record.error = .truncated
        }
    }
}

/// Features a compound file's directory shows by storage and stream names.
enum CompoundFileFeatures {
    static func fromDirectory(_ entries: [CompoundFileEntry]) -> Set<DocumentFeature> {
        var features = Set<DocumentFeature>()
        for entry in entries {
            let atRoot = entry.parent.isEmpty
            switch entry.name {
            // Word's `Macros`, Excel's `_VBA_PROJECT_CUR`, and any VBA project storage (`…/VBA/dir`).
            case "Macros" where atRoot && entry.isStorage, "_VBA_PROJECT_CUR" where atRoot && entry.isStorage:
                features.insert(.vba)
            case "dir" where entry.parent.last == "VBA":
                features.insert(.vba)
            // Word keeps embedded objects in `ObjectPool/_nnn`, Excel in root storages `MBD…`.
            case "ObjectPool" where atRoot && entry.isStorage:
                if entries.contains(where: { $0.parent == ["ObjectPool"] && $0.isStorage }) {
                    features.insert(.oleObjects)
                }
            case let name where atRoot && entry.isStorage && name.hasPrefix("MBD"):
                features.insert(.oleObjects)
            // ActiveX controls: Excel's `Ctls` stream, an OLE control's `\u{3}OCXNAME`.
            case "Ctls" where atRoot && !entry.isStorage, "\u{3}OCXNAME", "\u{3}OCXDATA":
                features.insert(.activeX)
            // Document signatures (`_signatures`, `_xmlsignatures`) and VBA project signatures.
            case "_signatures" where atRoot, "_xmlsignatures" where atRoot, "\u{5}DigitalSignature",
                "\u{5}DigitalSignatureEx", "\u{5}DigitalSignatureExt":
                features.insert(.signed)
            case "EncryptedPackage" where atRoot, "EncryptedSummary" where atRoot:
                features.insert(.encrypted)
            default:
                break
            }
        }
        return features
    }
}

/// The few stream headers read: Word's FIB flags, the records of an Excel workbook's globals, PowerPoint's
/// current-user atom. Each read is a capped prefix of one stream.
struct CompoundFileHeaders {
    let file: CompoundFile
    let rootNames: Set<String>
    private(set) var isEncrypted = false
    private(set) var wordIsTemplate: Bool?
    private(set) var excelIsTemplate = false

    init(file: CompoundFile, rootNames: Set<String>) {
        self.file = file
        self.rootNames = rootNames
    }

    /// Cap on the workbook globals read: sheet and link records come before the shared strings.
    static let workbookPrefix = 256 << 10

    mutating func features() -> Set<DocumentFeature> {
        var features = Set<DocumentFeature>()
        if rootNames.contains("WordDocument") { readWord(into: &features) }
        if let workbook = ["Workbook", "Book"].first(where: rootNames.contains) {
            readWorkbook(stream: workbook, into: &features)
        }
        if rootNames.contains("Current User") && rootNames.contains("PowerPoint Document") {
            readPowerPoint(into: &features)
        }
        if isEncrypted { features.insert(.encrypted) }
        return features
    }

    static func u16(_ bytes: [UInt8], _ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// FibBase ([MS-DOC] 2.5.2): `wIdent` 0xA5EC, then at 0x0A the flags `fDot` (0x0001) and `fEncrypted` (0x0100).
    private mutating func readWord(into features: inout Set<DocumentFeature>) {
        guard let fib = try? file.readPrefix(of: ["WordDocument"], count: 32), fib.count >= 12,
            Self.u16(fib, 0) == 0xA5EC
        else { return }
        let flags = Self.u16(fib, 0x0A)
        wordIsTemplate = flags & 0x0001 != 0
        if wordIsTemplate == true { features.insert(.template) }
        if flags & 0x0100 != 0 { isEncrypted = true }
    }

    /// The globals substream's records ([MS-XLS] 2.4): FILEPASS (encrypted), BOUNDSHEET (a macro sheet or, in
    /// Excel 5, a VBA module sheet), TEMPLATE, SUPBOOK (a link to another workbook), DCONN (a data connection).
    private mutating func readWorkbook(stream: String, into features: inout Set<DocumentFeature>) {
        guard let bytes = try? file.readPrefix(of: [stream], count: Self.workbookPrefix) else { return }
        var offset = 0
        var records = 0
        while offset + 4 <= bytes.count {
            let type = Self.u16(bytes, offset)
            let length = Self.u16(bytes, offset + 2)
            let body = offset + 4
            guard body + length <= bytes.count else { break }
            records += 1
            switch type {
            case 0x000A where records > 1: return  // EOF of the globals
            case 0x002F: isEncrypted = true  // FILEPASS: what follows is encrypted, record headers excepted
            case 0x0085 where !isEncrypted && length >= 6:
                let sheetType = bytes[body + 5]
                if sheetType == 0x01 { features.insert(.xlmMacros) }
                if sheetType == 0x06 { features.insert(.vba) }
            case 0x0060:
                excelIsTemplate = true
                features.insert(.template)
            case 0x01AE where !isEncrypted && length >= 4:
                // Self-references (0x0401) and add-in functions (0x3A01) are no links to other files.
                let marker = Self.u16(bytes, body + 2)
                if marker != 0x0401 && marker != 0x3A01 { features.insert(.externalLinks) }
            case 0x0876:
                features.insert(.dataConnections)
            default:
                break
            }
            offset = body + length
        }
    }

    /// CurrentUserAtom ([MS-PPT] 2.3.2): `headerToken` 0xF3D1C4DF means the presentation is encrypted.
    private mutating func readPowerPoint(into features: inout Set<DocumentFeature>) {
        guard let atom = try? file.readPrefix(of: ["Current User"], count: 16), atom.count >= 16 else { return }
        if Self.u32(atom, 12) == 0xF3D1_C4DF { isEncrypted = true }
    }
}
