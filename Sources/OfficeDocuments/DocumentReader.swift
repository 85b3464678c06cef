import Foundation
public import OverblikModel
import XMLKit
import ZipKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps a producer string to a catalog product. The catalog's `Classifier` conforms; tests may pass another
/// real classifier. Implementations must be thread-safe (the scanner calls them from several threads).
public protocol SuiteClassifying: Sendable {
    /// ODF `meta:generator` (or any producer string).
    func classify(generator: String) -> Classification
    /// OOXML `docProps/app.xml` `Application` and `AppVersion`.
    func classify(application: String, appVersion: String?) -> Classification
}

/// Limits and choices for ``DocumentReader``.
public struct DocumentReaderOptions: Sendable, Hashable {
    /// Read `dc:creator`, titles, keywords and other personal metadata into ``DocumentRecord/personal``.
    public var includePersonalData: Bool
    /// Cap on the bytes inflated from any one metadata part (`meta.xml`, manifest, `docProps/*`).
    public var maxPartBytes: Int
    /// Cap on the bytes of a flat ODF file read to find its `office:meta`.
    public var maxFlatBytes: Int
    /// Cap on XML element nesting in any part.
    public var maxXMLDepth: Int

    public init(
        includePersonalData: Bool = false, maxPartBytes: Int = 8 << 20, maxFlatBytes: Int = 64 << 20,
        maxXMLDepth: Int = 64
    ) {
        self.includePersonalData = includePersonalData
        self.maxPartBytes = maxPartBytes
        self.maxFlatBytes = maxFlatBytes
        self.maxXMLDepth = maxXMLDepth
    }
}

/// Reads one file's metadata (never its content) into a ``DocumentRecord``.
///
/// The format is decided by content signatures, never by the extension alone; failures are recorded in the
/// record (`error`, `errorDetail`) with a stable kind, so a scan never stops for one file. Thread-safe.
public struct DocumentReader: Sendable {
    public let classifier: (any SuiteClassifying)?
    public let options: DocumentReaderOptions

    public init(classifier: (any SuiteClassifying)?, options: DocumentReaderOptions = DocumentReaderOptions()) {
        self.classifier = classifier
        self.options = options
    }

    /// Reads the file at `path`.
    public func read(path: String) -> DocumentRecord {
        let ext = Self.lowercasedExtension(of: path)
        var opened = OpenedFile(path: path)
        defer { opened.close() }
        guard opened.fd >= 0 else {
            var record = failureRecord(path: path, ext: ext, size: 0, modified: Date(timeIntervalSince1970: 0))
            fillFromStat(&record, path: path)
            record.error = .unreadable
            record.errorDetail = opened.openError
            return classifyRecord(record)
        }
        var record = DocumentRecord(
            path: path, family: DocumentFormats.family(forExtension: ext), container: .none, format: ext,
            size: opened.size, modified: opened.modified)
        if !opened.isRegular {
            record.error = .unreadable
            record.errorDetail = "not a regular file"
            return classifyRecord(record)
        }
        if opened.size == 0 {
            record.error = .empty
            record.errorDetail = "the file is empty"
            return classifyRecord(record)
        }
        // A small file is read whole in one call: most documents are, and a ZIP package in memory then
        // costs libzip no further system calls (no dup, fstat, lseek and read per entry).
        let readWhole = opened.size <= Int64(Self.wholeFileBytes)
        let head = opened.read(at: 0, count: readWhole ? Int(opened.size) : 4096)
        guard let head else {
            record.error = .unreadable
            record.errorDetail = "read failed: \(String(cString: strerror(errno)))"
            return classifyRecord(record)
        }
        switch Signature.sniff(head) {
        case .zip:
            if readWhole && head.count == Int(opened.size) {
                readZipPackage(path: path, source: .bytes(head), ext: ext, into: &record)
            } else if opened.size <= Int64(Self.inMemoryArchiveBytes),
                let whole = opened.read(at: 0, count: Int(opened.size))
            {
                readZipPackage(path: path, source: .bytes(whole), ext: ext, into: &record)
            } else {
                readZipPackage(path: path, source: .fileDescriptor(opened.fd), ext: ext, into: &record)
            }
        case .compoundFile:
            readCompoundFile(&opened, ext: ext, into: &record)
        case .pdf:
            record.family = .other
            record.container = .none
            record.format = "pdf"
            record.mimetype = "application/pdf"
            warnOnExtension(&record, ext: ext)
        case .rtf:
            record.family = .other
            record.container = .none
            record.format = "rtf"
            record.mimetype = "application/rtf"
            warnOnExtension(&record, ext: ext)
        case .xml:
            readFlat(&opened, ext: ext, into: &record)
        case .unknown:
            // Junk or a stub before a ZIP archive: libzip finds the end record from the back.
            if DocumentFormats.zipExtensions.contains(ext), let archive = try? ZipArchive(path: path) {
                readZipPackage(path: path, source: .archive(archive), ext: ext, into: &record)
            } else if DocumentFormats.zipExtensions.contains(ext) {
                record.error = .notAZip
                record.errorDetail = "no ZIP signature and no ZIP end record"
            } else if DocumentFormats.candidateExtensions.contains(ext) {
                record.error = .wrongFormat
                record.errorDetail = "content matches no known document format"
            } else {
                record.family = .other
                record.format = ext.isEmpty ? "unknown" : ext
            }
        }
        return classifyRecord(record)
    }

    // MARK: - ZIP packages (ODF, OpenOffice.org 1.x, OOXML)

    /// Files up to this size are read whole at once (sniffing and, for ZIP packages, parsing from memory).
    static let wholeFileBytes = 64 << 10
    /// ZIP packages up to this size are read into memory in one call rather than through libzip's file I/O.
    static let inMemoryArchiveBytes = 1 << 20

    private enum ArchiveSource {
        case bytes([UInt8])
        case fileDescriptor(Int32)
        /// Already opened (after looking past leading junk): not opened a second time.
        case archive(ZipArchive)
    }

    private func readZipPackage(path: String, source: ArchiveSource, ext: String, into record: inout DocumentRecord) {
        record.container = .zip
        let archive: ZipArchive
        do {
            switch source {
            case .bytes(let bytes): archive = try ZipArchive(bytes: bytes)
            case .fileDescriptor(let fd): archive = try ZipArchive(fileDescriptor: fd, path: path)
            case .archive(let opened): archive = opened
            }
        } catch {
            fail(&record, zipError: error, part: nil)
            return
        }
        if archive.hasLeadingJunk {
            record.warnings.append(DocumentWarning(kind: .junkBeforeArchive, detail: "bytes precede the archive"))
        }
        if !archive.duplicateNames.isEmpty {
            // Readers may disagree on which copy counts: the file fails as ambiguous, but parts that occur
            // once still tell what they tell (a duplicated part is never read).
            readUnambiguousParts(archive, ext: ext, into: &record)
            record.error = .ambiguousArchive
            record.errorDetail = "duplicate entry names: " + archive.duplicateNames.joined(separator: ", ")
            return
        }
        readUnambiguousParts(archive, ext: ext, into: &record)
    }

    private func readUnambiguousParts(_ archive: ZipArchive, ext: String, into record: inout DocumentRecord) {
        let duplicated = Set(archive.duplicateNames)
        func entry(_ name: String) -> ZipEntry? { duplicated.contains(name) ? nil : archive.entry(named: name) }
        // The mimetype entry: what the package says it is.
        var declaredType: String?
        if let entry = entry("mimetype") {
            do {
                let bytes = try archive.read(entry, limit: 1024)
                let raw = String(decoding: bytes, as: UTF8.self)
                let value = trimmingWhitespace(raw)
                declaredType = value.isEmpty ? nil : value
                if value != raw {
                    record.warnings.append(
                        DocumentWarning(
                            kind: .mimetypeWhitespace, detail: "mimetype has leading or trailing whitespace"))
                }
                if entry.index != 0 {
                    record.warnings.append(
                        DocumentWarning(kind: .mimetypeNotFirst, detail: "mimetype is entry \(entry.index), not 0"))
                }
                if entry.compression != .stored {
                    record.warnings.append(
                        DocumentWarning(kind: .mimetypeCompressed, detail: "mimetype is \(entry.compression)"))
                }
            } catch {
                fail(&record, zipError: error, part: "mimetype")
                return
            }
        }
        let isODFType = { (type: String?) in type?.hasPrefix("application/vnd.oasis.opendocument.") == true }
        let isStarOfficeType = { (type: String?) in type?.hasPrefix("application/vnd.sun.xml.") == true }

        var manifest: ManifestInfo?
        var manifestProblem: String?
        if let entry = entry("META-INF/manifest.xml") {
            do {
                let bytes = try archive.read(entry, limit: options.maxPartBytes)
                let parser = ManifestParser()
                try parseXML(bytes, parser)
                manifest = parser.info
            } catch let error as XMLError {
                manifestProblem = "META-INF/manifest.xml: \(error)"
            } catch let error as ZipError {
                manifestProblem = "META-INF/manifest.xml: \(error)"
            } catch {
                manifestProblem = "META-INF/manifest.xml: \(error)"
            }
        }

        if isODFType(declaredType) || isStarOfficeType(declaredType) {
            readODFPackage(
                archive, duplicated: duplicated, mediaType: declaredType!, manifest: manifest,
                manifestProblem: manifestProblem,
                hasMimetypeEntry: true, ext: ext, into: &record)
            return
        }
        if archive.entry(named: "[Content_Types].xml") != nil {
            if declaredType != nil {
                record.warnings.append(
                    DocumentWarning(kind: .mimetypeUnexpected, detail: "OOXML package with a mimetype entry"))
            }
            readOOXMLPackage(archive, duplicated: duplicated, ext: ext, into: &record)
            return
        }
        if let rootType = manifest?.rootMediaType, isODFType(rootType) || isStarOfficeType(rootType) {
            if let declaredType {
                record.warnings.append(
                    DocumentWarning(
                        kind: .mimetypeInvalid, detail: "mimetype '\(declaredType.prefix(80))' is not an office type")
                )
            }
            readODFPackage(
                archive, duplicated: duplicated, mediaType: rootType, manifest: manifest,
                manifestProblem: manifestProblem,
                hasMimetypeEntry: declaredType != nil, ext: ext, into: &record)
            return
        }
        // ODF-looking parts but nothing that says which ODF type: the one case ODF cannot be read as.
        if declaredType == nil
            && (archive.entry(named: "content.xml") != nil || archive.entry(named: "meta.xml") != nil)
        {
            record.family = DocumentFormats.starOfficeExtensions.contains(ext) ? .starOfficeXML : .odf
            record.error = .missingMimetype
            record.errorDetail = "no mimetype entry and no manifest media type for '/'"
            if let manifestProblem {
                record.warnings.append(DocumentWarning(kind: .manifestUnreadable, detail: manifestProblem))
            }
            // What the metadata still says is worth keeping beside the failure.
            readODFMetadata(archive, duplicated: duplicated, manifest: manifest, into: &record)
            return
        }
        if DocumentFormats.candidateExtensions.contains(ext) {
            record.error = .wrongFormat
            record.errorDetail =
                "a ZIP archive that is no office package"
                + (declaredType.map { " (mimetype '\($0.prefix(80))')" } ?? "")
        } else {
            record.family = .other
            record.format = "zip"
            record.mimetype = declaredType ?? "application/zip"
        }
    }

    private func readODFPackage(
        _ archive: ZipArchive, duplicated: Set<String>, mediaType: String, manifest: ManifestInfo?,
        manifestProblem: String?,
        hasMimetypeEntry: Bool, ext: String, into record: inout DocumentRecord
    ) {
        let isStarOffice = mediaType.hasPrefix("application/vnd.sun.xml.")
        record.family = isStarOffice ? .starOfficeXML : .odf
        record.mimetype = mediaType
        let table = isStarOffice ? DocumentFormats.starOfficeMediaTypes : DocumentFormats.odfMediaTypes
        record.format = table[mediaType] ?? (ext.isEmpty ? (isStarOffice ? "sxw" : "odt") : ext)
        if !hasMimetypeEntry {
            record.warnings.append(DocumentWarning(kind: .mimetypeMissing, detail: "no mimetype entry"))
        }
        if let manifestProblem {
            record.warnings.append(DocumentWarning(kind: .manifestUnreadable, detail: manifestProblem))
        } else if manifest == nil {
            record.warnings.append(DocumentWarning(kind: .manifestMissing, detail: "no META-INF/manifest.xml"))
        }
        if let rootType = manifest?.rootMediaType, rootType != mediaType {
            record.warnings.append(
                DocumentWarning(
                    kind: .mimetypeManifestMismatch, detail: "manifest says '\(rootType)', mimetype '\(mediaType)'"))
        }
        warnOnExtension(&record, ext: ext)
        readODFMetadata(archive, duplicated: duplicated, manifest: manifest, into: &record)
    }

    /// `meta.xml`, or when it is missing or encrypted, the root of `content.xml` / `styles.xml` for the version.
    private func readODFMetadata(
        _ archive: ZipArchive, duplicated: Set<String>, manifest: ManifestInfo?, into record: inout DocumentRecord
    ) {
        record.manifestVersion = manifest?.version
        let encrypted = manifest?.encryptedPaths ?? []
        record.encrypted = !encrypted.isEmpty
        var versionFound = false
        if !duplicated.contains("meta.xml"), let metaEntry = archive.entry(named: "meta.xml"),
            !encrypted.contains("meta.xml")
        {
            do {
                let bytes = try archive.read(metaEntry, limit: options.maxPartBytes)
                let includePersonal = options.includePersonalData
                let parser = ODFMetadataParser(includePersonal: includePersonal)
                try parseXML(bytes, parser)
                apply(parser.metadata, to: &record)
                versionFound = true
            } catch let error as ZipError {
                fail(&record, zipError: error, part: "meta.xml")
                return
            } catch let error as XMLError {
                fail(&record, xmlError: error, part: "meta.xml")
                return
            } catch {
                record.error = .unreadable
                record.errorDetail = "meta.xml: \(error)"
                return
            }
        }
        if versionFound { return }
        for part in ["content.xml", "styles.xml"] where !encrypted.contains(part) && !duplicated.contains(part) {
            guard let entry = archive.entry(named: part) else { continue }
            // The root element with its namespace declarations fits comfortably in 64 KiB.
            let parser = RootElementParser()
            guard let prefix = try? archive.readPrefix(entry, count: 64 * 1024), (try? parseXML(prefix, parser)) != nil,
                let root = parser.root
            else { continue }
            record.odfVersion = root.officeVersion
            return
        }
    }

    private func apply(_ meta: ODFMetadata, to record: inout DocumentRecord) {
        record.odfVersion = meta.officeVersion
        record.generator = meta.generator
        record.created = meta.created
        record.metaModified = meta.modified
        record.editingCycles = meta.editingCycles
        record.editingDuration = meta.editingDuration
        record.statistics = meta.statistics
        record.language = meta.language
        record.template = meta.template
        if options.includePersonalData { record.personal = meta.personal ?? PersonalMetadata() }
    }

    private func readOOXMLPackage(
        _ archive: ZipArchive, duplicated: Set<String>, ext: String, into record: inout DocumentRecord
    ) {
        record.family = .ooxml
        var mainType: String?
        do {
            let bytes = try archive.read(named: "[Content_Types].xml", limit: options.maxPartBytes)
            let parser = ContentTypesParser()
            try parseXML(bytes, parser)
            mainType = parser.mainContentType
        } catch let error as ZipError {
            fail(&record, zipError: error, part: "[Content_Types].xml")
            return
        } catch let error as XMLError {
            fail(&record, xmlError: error, part: "[Content_Types].xml")
            return
        } catch {
            return
        }
        if let mainType, let format = DocumentFormats.ooxmlContentTypes[mainType] {
            record.format = format
            record.mimetype = mainType
        } else if archive.entry(named: "word/document.xml") != nil {
            record.format = "docx"
        } else if archive.entry(named: "xl/workbook.xml") != nil {
            record.format = "xlsx"
        } else if archive.entry(named: "ppt/presentation.xml") != nil {
            record.format = "pptx"
        } else {
            record.format = DocumentFormats.ooxmlExtensions.contains(ext) ? ext : "ooxml"
            record.warnings.append(DocumentWarning(kind: .ooxmlMainPartUnknown, detail: "no known main part"))
        }
        warnOnExtension(&record, ext: ext)
        let app = OOXMLAppParser()
        let core = OOXMLCoreParser(includePersonal: options.includePersonalData)
        let parts: [(name: String, parser: any XMLContentHandler)] = [
            ("docProps/app.xml", app), ("docProps/core.xml", core),
        ]
        for (part, parser) in parts {
            guard !duplicated.contains(part), let entry = archive.entry(named: part) else { continue }
            do {
                try parseXML(try archive.read(entry, limit: options.maxPartBytes), parser)
            } catch let error as ZipError {
                fail(&record, zipError: error, part: part)
                return
            } catch let error as XMLError {
                fail(&record, xmlError: error, part: part)
                return
            } catch {
                return
            }
        }
        record.application = app.props.application
        record.appVersion = app.props.appVersion
        if let application = app.props.application {
            record.generator = [application, app.props.appVersion].compactMap { $0 }.joined(separator: " ")
        }
        record.created = core.props.created
        record.metaModified = core.props.modified
        record.editingCycles = core.props.revision
        record.editingDuration = app.props.totalTimeMinutes.map { "PT\($0)M" }
        record.statistics = app.props.statistics
        record.language = core.props.language
        record.template = app.props.template
        if options.includePersonalData { record.personal = core.props.personal }
    }

    // MARK: - Flat XML documents

    private func readFlat(_ opened: inout OpenedFile, ext: String, into record: inout DocumentRecord) {
        // office:meta comes first in a flat document: try a prefix, then (rarely) the whole file up to the cap.
        let prefixSize = 1 << 20
        var attempt = 0
        while true {
            let wanted = attempt == 0 ? min(Int(opened.size), prefixSize) : Int(opened.size)
            if wanted > options.maxFlatBytes {
                record.error = .entryTooLarge
                record.errorDetail = "flat document larger than \(options.maxFlatBytes) bytes without early office:meta"
                return
            }
            guard let bytes = opened.read(at: 0, count: wanted) else {
                record.error = .unreadable
                record.errorDetail = "read failed"
                return
            }
            do {
                let includePersonal = options.includePersonalData
                let parser = ODFMetadataParser(includePersonal: includePersonal)
                try parseXML(bytes, parser)
                applyFlat(parser.metadata, ext: ext, into: &record)
                return
            } catch {
                if wanted < Int(opened.size), case .malformed = error {
                    attempt += 1
                    continue  // the prefix cut the document before office:meta ended
                }
                record.container = .flat
                if case .malformed = error, !DocumentFormats.flatExtensions.contains(ext),
                    !DocumentFormats.candidateExtensions.contains(ext)
                {
                    record.family = .other
                    record.format = "xml"
                }
                fail(&record, xmlError: error, part: nil)
                return
            }
        }
    }

    private func applyFlat(_ meta: ODFMetadata, ext: String, into record: inout DocumentRecord) {
        guard meta.rootIsOffice, meta.rootLocalName == "document" else {
            if DocumentFormats.candidateExtensions.contains(ext) {
                record.error = .wrongFormat
                record.errorDetail = "XML whose root is '\(meta.rootLocalName ?? "?")', not office:document"
            } else {
                record.family = .other
                record.format = "xml"
            }
            return
        }
        record.container = .flat
        if meta.rootIsStarOffice {
            record.family = .starOfficeXML
            record.format = DocumentFormats.starOfficeExtensions.contains(ext) ? ext : "xml"
        } else {
            record.family = .odf
            record.format = DocumentFormats.flatFormat(mediaType: meta.rootMediaType)
        }
        record.mimetype = meta.rootMediaType
        warnOnExtension(&record, ext: ext)
        apply(meta, to: &record)
    }

    // MARK: - Compound File Binary (legacy MS Office, StarOffice 5, encrypted OOXML)

    private func readCompoundFile(_ opened: inout OpenedFile, ext: String, into record: inout DocumentRecord) {
        record.container = .binary
        let names = CompoundFile.rootStreamNames(opened: &opened)
        let known = CompoundFile.format(streamNames: names, ext: ext)
        record.family = known.family
        record.format = known.format
        record.mimetype = known.mimetype
        record.encrypted = known.encrypted
        if known.family == .other && DocumentFormats.candidateExtensions.contains(ext) && known.format == "cfb" {
            // A compound file we cannot place: the extension decides the family, as the signature allows.
            record.family = DocumentFormats.family(forExtension: ext)
            record.format = ext
        }
        warnOnExtension(&record, ext: ext)
    }

    // MARK: - Helpers

    /// Parses `bytes` with this thread's reusable libxml2 parser.
    private func parseXML(_ bytes: [UInt8], _ handler: any XMLContentHandler) throws(XMLError) {
        try ThreadXMLParser.parse(
            bytes, options: XMLReaderOptions(maxDepth: options.maxXMLDepth, allowsExternalDoctype: true),
            handler: handler)
    }

    private func warnOnExtension(_ record: inout DocumentRecord, ext: String) {
        guard !DocumentFormats.extensionMatches(ext, format: record.format) else { return }
        record.warnings.append(
            DocumentWarning(
                kind: .extensionMismatch,
                detail: "content is \(record.format), name ends in .\(ext.isEmpty ? "(none)" : ext)"))
    }

    private func fail(_ record: inout DocumentRecord, zipError: ZipError, part: String?) {
        let prefix = part.map { "\($0): " } ?? ""
        record.errorDetail = prefix + zipError.description
        switch zipError {
        case .empty: record.error = .empty
        case .notAZip: record.error = .notAZip
        case .truncated, .inconsistent: record.error = .truncated
        case .unreadable: record.error = .unreadable
        case .noSuchEntry: record.error = .unreadable
        case .entryTooLarge: record.error = .entryTooLarge
        case .badCRC, .corruptEntry: record.error = .badCRC
        case .encrypted:
            record.encrypted = true
            record.error = .unreadable
        case .unsupportedCompression: record.error = .unreadable
        }
    }

    private func fail(_ record: inout DocumentRecord, xmlError: XMLError, part: String?) {
        let prefix = part.map { "\($0): " } ?? ""
        record.errorDetail = prefix + xmlError.description
        switch xmlError {
        case .forbiddenDTD: record.error = .forbiddenDTD
        case .tooDeep: record.error = .tooDeep
        case .malformed: record.error = .malformedXML
        case .inputTooLarge: record.error = .entryTooLarge
        }
    }

    /// Takes the record and gives it back classified (consumed, so it is not copied on the way).
    private func classifyRecord(_ record: consuming DocumentRecord) -> DocumentRecord {
        guard let classifier else { return record }
        let classification = Self.classify(
            family: record.family, generator: record.generator, application: record.application,
            appVersion: record.appVersion, with: classifier)
        record.suite = classification.product
        record.suiteVersion = classification.version
        record.suiteVersionLine = classification.versionLine
        return record
    }

    /// The suite of a document from its producer strings: OOXML by `Application` and `AppVersion`, everything
    /// else by its generator. The scan and the reclassification of stored documents both ask here.
    public static func classify(
        family: DocumentFamily, generator: String?, application: String?, appVersion: String?,
        with classifier: any SuiteClassifying
    ) -> Classification {
        if family == .ooxml, let application {
            return classifier.classify(application: application, appVersion: appVersion)
        } else if let generator {
            return classifier.classify(generator: generator)
        }
        return .unknown
    }

    private func failureRecord(path: String, ext: String, size: Int64, modified: Date) -> DocumentRecord {
        DocumentRecord(
            path: path, family: DocumentFormats.family(forExtension: ext), container: .none, format: ext, size: size,
            modified: modified)
    }

    private func fillFromStat(_ record: inout DocumentRecord, path: String) {
        var info = stat()
        if lstat(path, &info) == 0 {
            record.size = Int64(info.st_size)
            record.modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec))
        }
    }

    /// Asked for every file the walker finds, so it works on the UTF-8 bytes: no Foundation string search.
    static func lowercasedExtension(of path: String) -> String {
        let utf8 = path.utf8
        var dot: String.Index?
        var index = utf8.endIndex
        while index > utf8.startIndex {
            index = utf8.index(before: index)
            let byte = utf8[index]
            if byte == UInt8(ascii: "/") { break }
            if byte == UInt8(ascii: ".") {
                dot = index
                break
            }
        }
        // A bare ".odt" (the whole path) has no extension; "folder/.odt" keeps "odt" as before.
        guard let dot, dot > utf8.startIndex else { return "" }
        let ext = utf8[utf8.index(after: dot)...]
        if ext.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: ext.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
        return String(path[utf8.index(after: dot)...]).lowercased()
    }
}
