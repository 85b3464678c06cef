import FileSystemNames
import Foundation
import OverblikModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open file descriptor with its `fstat` facts. Opened non-blocking so a FIFO that slipped past the
/// walker can never hang a scan (and it is then refused as not regular).
struct OpenedFile {
    private(set) var fd: Int32
    var openError: String?
    var size: Int64 = 0
    var modified = Date(timeIntervalSince1970: 0)
    var isRegular = false

    init(path: String) {
        fd = FileSystemName.withSystemPath(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        if fd < 0 {
            openError = String(cString: strerror(errno))
            return
        }
        var info = stat()
        if fstat(fd, &info) == 0 {
            size = Int64(info.st_size)
            modified = Date(
                timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            isRegular = (info.st_mode & S_IFMT) == S_IFREG
        }
    }

    /// Reads up to `count` bytes at `offset`; `nil` on an I/O error.
    func read(at offset: Int64, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        var failed = false
        // Read straight into uninitialised storage: the bytes are written once, by the kernel.
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { raw, filled in
            while filled < count {
                let got = pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                if got == 0 { break }
                filled += got
            }
        }
        return failed ? nil : buffer
    }

    /// Reads up to `buffer.capacity` bytes from the start into `buffer`; the count read, or `nil` on an I/O error.
    func read(into buffer: ReadBuffer, count: Int) -> Int? {
        let wanted = min(count, buffer.capacity)
        var filled = 0
        while filled < wanted {
            let got = pread(fd, buffer.base + filled, wanted - filled, off_t(filled))
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    mutating func close() {
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
    }
}

/// Content signatures, checked on the first bytes of a file.
enum Signature {
    case zip
    case compoundFile
    case pdf
    case rtf
    case xml
    /// Word for Windows 1.x/2.0 or an Excel 2.x-4.0 worksheet: binary formats from before OLE2 compound files.
    case preCompoundFile(format: String, mimetype: String)
    case unknown

    static func sniff(_ head: [UInt8]) -> Signature {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            // Compared in place: the PDF search below tries up to 1,024 offsets per file.
            head.count >= offset + prefix.count && head[offset..<offset + prefix.count].elementsEqual(prefix)
        }
        if head.withUnsafeBytes(isZip) { return .zip }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .compoundFile }
        if starts(Array("{\\rtf".utf8)) { return .rtf }
        // PDF readers accept the header anywhere in the first KiB.
        let pdf = Array("%PDF-".utf8)
        if head.count >= pdf.count {
            for offset in 0...min(1024, head.count - pdf.count) where head[offset] == 0x25 && starts(pdf, at: offset) {
                return .pdf
            }
        }
        if looksLikeXML(head) { return .xml }
        if let format = preCompoundFileFormat(head) { return format }
        return .unknown
    }

    /// Word for Windows 1.x and 2.0 start with their file identifier (0xA59B, 0xA5DB) and a version number;
    /// Excel 2.x, 3.0 and 4.0 worksheets with a BOF record (0x0009, 0x0209, 0x0409) of a sheet type
    /// (worksheet, chart, macro sheet, workspace). Excel 5.0 and later, Word 6.0 and later are compound files.
    private static func preCompoundFileFormat(_ head: [UInt8]) -> Signature? {
        guard head.count >= 8 else { return nil }
        let identifier = UInt16(head[0]) | UInt16(head[1]) << 8
        if identifier == 0xA59B || identifier == 0xA5DB {
            return .preCompoundFile(format: "doc", mimetype: "application/msword")
        }
        let record = UInt16(head[0]) | UInt16(head[1]) << 8
        let length = UInt16(head[2]) | UInt16(head[3]) << 8
        let sheetType = UInt16(head[6]) | UInt16(head[7]) << 8
        let bof = (record == 0x0009 && length == 4) || ((record == 0x0209 || record == 0x0409) && length == 6)
        if bof, [0x0010, 0x0020, 0x0040, 0x0100].contains(sheetType) {
            return .preCompoundFile(format: "xls", mimetype: "application/vnd.ms-excel")
        }
        return nil
    }

    /// A local file header, or the end record of an empty archive: what ``sniff(_:)`` calls `.zip` first.
    static func isZip(_ head: UnsafeRawBufferPointer) -> Bool {
        head.count >= 4 && head[0] == 0x50 && head[1] == 0x4B
            && ((head[2] == 0x03 && head[3] == 0x04) || (head[2] == 0x05 && head[3] == 0x06))
    }

    /// `<` after an optional BOM and whitespace, in UTF-8 or UTF-16.
    private static func looksLikeXML(_ head: [UInt8]) -> Bool {
        if head.starts(with: [0xFF, 0xFE, 0x3C, 0x00]) || head.starts(with: [0xFE, 0xFF, 0x00, 0x3C]) { return true }
        var index = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[index]) { index += 1 }
        guard index + 1 < head.count, head[index] == 0x3C else { return false }
        let next = head[index + 1]
        // '<?', '<!' (comment or doctype) or a name start character.
        return next == 0x3F || next == 0x21 || next == 0x5F || (next >= 0x41 && next <= 0x5A)
            || (next >= 0x61 && next <= 0x7A) || next >= 0x80
    }
}

/// Which document a compound file holds, from the names of its root streams.
enum CompoundFileFormat {
    struct Kind {
        var family: DocumentFamily
        var format: String
        var mimetype: String?
        var encrypted = false
    }

    static func format(streamNames: Set<String>, ext: String) -> Kind {
        func pick(_ family: DocumentFamily, _ formats: [String], _ mimetype: String) -> Kind {
            Kind(family: family, format: formats.contains(ext) ? ext : formats[0], mimetype: mimetype)
        }
        if streamNames.contains("EncryptedPackage") {
            let format = DocumentFormats.ooxmlExtensions.contains(ext) ? ext : "ooxml"
            return Kind(family: .ooxml, format: format, mimetype: nil, encrypted: true)
        }
        if streamNames.contains("WordDocument") { return pick(.legacy, ["doc", "dot"], "application/msword") }
        if streamNames.contains("Workbook") || streamNames.contains("Book") {
            return pick(.legacy, ["xls", "xlt", "xla"], "application/vnd.ms-excel")
        }
        if streamNames.contains("PowerPoint Document") {
            return pick(.legacy, ["ppt", "pot", "pps"], "application/vnd.ms-powerpoint")
        }
        if streamNames.contains("VisioDocument") { return pick(.legacy, ["vsd"], "application/vnd.visio") }
        if streamNames.contains("StarWriterDocument") {
            return pick(.legacy, ["sdw"], "application/vnd.stardivision.writer")
        }
        if streamNames.contains("StarCalcDocument") {
            return pick(.legacy, ["sdc"], "application/vnd.stardivision.calc")
        }
        if streamNames.contains("StarDrawDocument3") || streamNames.contains("StarDrawDocument") {
            return pick(.legacy, ["sdd", "sda"], "application/vnd.stardivision.impress")
        }
        // Stream names not in the first sector: the signature is there, so the extension may decide.
        if DocumentFormats.legacyExtensions.contains(ext) {
            return Kind(family: .legacy, format: ext, mimetype: nil)
        }
        return Kind(family: .other, format: "cfb", mimetype: nil)
    }
}

/// Memory a reader thread reads whole files into, kept from file to file (a fresh allocation of tens of
/// kilobytes per file, and its release, cost more than the read). A ZIP archive opened on the bytes holds the
/// buffer (``ZipKit/ZipArchive/init(borrowing:keepingAlive:)``); while anything does, the thread reads into a
/// new one instead.
final class ReadBuffer {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
    }

    deinit { base.deallocate() }

    func bytes(count: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    private static let slots = ThreadSlots<ReadBuffer>()

    /// This thread's buffer of `capacity` bytes, free for a new file: nothing else holds it.
    static func forThisThread(capacity: Int) -> ReadBuffer {
        let slot = slots.current
        if slot.value != nil, isKnownUniquelyReferenced(&slot.value!), slot.value!.capacity == capacity {
            return slot.value!
        }
        let fresh = ReadBuffer(capacity: capacity)
        slot.value = fresh
        return fresh
    }
}
