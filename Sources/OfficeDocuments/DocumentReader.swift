import FileSystemNames
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
    /// When set, ODF files also get their conformance verdict (``DocumentRecord/conformance``).
    public var conformance: (any DocumentConformanceChecking)?

    public init(classifier: (any SuiteClassifying)?, options: DocumentReaderOptions = DocumentReaderOptions()) {
        self.classifier = classifier
        self.options = options
    }

    /// Reads the file at `path` (and, with a conformance checker, validates it when it is ODF).
    public func read(path: String) -> DocumentRecord {
        var record = readMetadata(path: path)
        if let conformance, record.family == .odf, record.error == nil {
            record.conformance = conformance.conformance(ofDocumentAt: path)
        }
        return record
    }

    private func readMetadata(path: String) -> DocumentRecord {
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
        let head: [UInt8]?
        let buffer = readWhole ? ReadBuffer.forThisThread(capacity: Self.wholeFileBytes) : nil
        if let buffer, let count = opened.read(into: buffer, count: Int(opened.size)) {
            // A whole ZIP package goes to libzip as read, not copied once more.
            if count == Int(opened.size), Signature.isZip(buffer.bytes(count: count)) {
                readZipPackage(path: path, source: .borrowed(buffer, count: count), ext: ext, into: &record)
                return classifyRecord(record)
            }
            head = Array(buffer.bytes(count: count))
        } else {
            head = opened.read(at: 0, count: readWhole ? Int(opened.size) : 4096)
        }
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
            readCompoundFile(&opened, head: head, ext: ext, into: &record)
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
            readFlat(&opened, head: head, ext: ext, into: &record)
        case .preCompoundFile(let format, let mimetype):
            // A genuine Microsoft document, only older than the compound file: counted as a legacy document
            // (it carries no producer name and no dates of its own).
            record.family = .legacy
            record.container = .none
            let templates = ["doc": "dot", "xls": "xlt"]
            record.format = ext == templates[format] ? ext : format
            record.mimetype = mimetype
            warnOnExtension(&record, ext: ext)
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

    /// Files up to this size are read whole at once (sniffing and, for ZIP packages, parsing from memory).
    static let wholeFileBytes = 64 << 10
    /// ZIP packages up to this size are read into memory in one call rather than through libzip's file I/O.
    static let inMemoryArchiveBytes = 1 << 20

    // MARK: - Helpers

    /// Parses `bytes` with this thread's reusable libxml2 parser.
    func parseXML(_ bytes: [UInt8], _ handler: any XMLContentHandler) throws(XMLError) {
        try ThreadXMLParser.parse(
            bytes, options: XMLReaderOptions(maxDepth: options.maxXMLDepth, allowsExternalDoctype: true),
            handler: handler)
    }

    func warnOnExtension(_ record: inout DocumentRecord, ext: String) {
        guard !DocumentFormats.extensionMatches(ext, format: record.format) else { return }
        record.warnings.append(
            DocumentWarning(
                kind: .extensionMismatch,
                detail: "content is \(record.format), name ends in .\(ext.isEmpty ? "(none)" : ext)"))
    }

    func fail(_ record: inout DocumentRecord, zipError: ZipError, part: String?) {
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

    func fail(_ record: inout DocumentRecord, xmlError: XMLError, part: String?) {
        let prefix = part.map { "\($0): " } ?? ""
        record.errorDetail = prefix + xmlError.description
        switch xmlError {
        case .forbiddenDTD: record.error = .forbiddenDTD
        case .tooDeep: record.error = .tooDeep
        case .malformed: record.error = .malformedXML
        case .inputTooLarge: record.error = .entryTooLarge
        }
    }

    /// Takes the record and gives it back classified (consumed, so it is not copied on the way), with the
    /// features every container shares: encryption and templates.
    func classifyRecord(_ record: consuming DocumentRecord) -> DocumentRecord {
        if record.encrypted { record.features.insert(.encrypted) }
        if record.error == nil, PackageFeatures.templateFormats.contains(record.format) {
            record.features.insert(.template)
        }
        guard let classifier else { return record }
        let classification = Self.classify(
            family: record.family, generator: record.generator, application: record.application,
            appVersion: record.appVersion, with: classifier)
        record.suite = classification.product
        record.suiteVersion = classification.version
        record.suiteVersionLine = classification.versionLine
        return record
    }

    /// The suite of a document from its producer strings: OOXML by `Application` and `AppVersion` (legacy
    /// compound files by their property sets' application name and version alike), everything else by its
    /// generator. The scan and the reclassification of stored documents both ask here.
    public static func classify(
        family: DocumentFamily, generator: String?, application: String?, appVersion: String?,
        with classifier: any SuiteClassifying
    ) -> Classification {
        if family == .ooxml || family == .legacy, let application {
            return classifier.classify(application: application, appVersion: appVersion)
        } else if let generator {
            return classifier.classify(generator: generator)
        }
        return .unknown
    }

    func failureRecord(path: String, ext: String, size: Int64, modified: Date) -> DocumentRecord {
        DocumentRecord(
            path: path, family: DocumentFormats.family(forExtension: ext), container: .none, format: ext, size: size,
            modified: modified)
    }

    func fillFromStat(_ record: inout DocumentRecord, path: String) {
        var info = stat()
        if FileSystemName.withSystemPath(path, { lstat($0, &info) }) == 0 {
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
            // Written straight into the string (a short one is stored inline): no array in between.
            return String(unsafeUninitializedCapacity: ext.count) { buffer in
                for (index, byte) in ext.enumerated() { buffer[index] = byte >= 65 && byte <= 90 ? byte + 32 : byte }
                return ext.count
            }
        }
        return String(path[utf8.index(after: dot)...]).lowercased()
    }
}
