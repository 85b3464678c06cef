import Foundation
import Crypto

/// Text encodings inventory exports arrive in.
public enum TextEncoding: String, Sendable, Codable, CaseIterable {
    case utf8 = "utf-8"
    /// UTF-8 with a byte-order mark (Excel "CSV UTF-8").
    case utf8BOM = "utf-8-bom"
    /// UTF-16 little-endian (regedit, Windows PowerShell `-Encoding Unicode`).
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    /// Danish Excel's "CSV (semikolonsepareret)" default.
    case windows1252 = "windows-1252"
}

/// Reads a file in fixed-size chunks and hashes every byte on the way, so a file of any size
/// costs one chunk of memory and its SHA-256 is known when the last chunk has been read.
final class ChunkedFile {
    let url: URL
    let displayName: String
    private let handle: FileHandle
    private var hasher = SHA256()
    private(set) var bytesRead: Int64 = 0
    private(set) var atEnd = false
    let chunkSize: Int

    init(url: URL, chunkSize: Int = 1 << 20) throws(ImportError) {
        self.url = url
        self.displayName = url.lastPathComponent
        self.chunkSize = chunkSize
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unreadableFile(file: url.path, reason: "no such file")
        }
        if isDirectory.boolValue { throw .unreadableFile(file: url.path, reason: "is a directory") }
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw .unreadableFile(file: url.path, reason: Self.reason(error))
        }
    }

    deinit { try? handle.close() }

    /// The next chunk, or nil at the end of the file.
    ///
    /// Read with `read(2)` straight into the chunk: `FileHandle.read(upToCount:)` reads 4 KB per system call
    /// and copies the result once more into `Data`.
    func read() throws(ImportError) -> [UInt8]? {
        if atEnd { return nil }
        let descriptor = handle.fileDescriptor
        let size = chunkSize
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var filled = 0
            while filled < size {
                let count = Foundation.read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
            initialized = filled
        }
        if failure != 0 { throw .unreadableFile(file: url.path, reason: String(cString: strerror(failure))) }
        guard !chunk.isEmpty else {
            atEnd = true
            return nil
        }
        chunk.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        bytesRead += Int64(chunk.count)
        return chunk
    }

    /// Reads the rest of the file (for whole-file formats) up to `limit` bytes.
    func readAll(limit: Int64) throws(ImportError) -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try read() {
            all.append(contentsOf: chunk)
            if Int64(all.count) > limit {
                throw .fileTooLarge(file: url.path, size: fileSize ?? Int64(all.count), limit: limit)
            }
        }
        return all
    }

    /// Reads to the end so the digest covers the whole file.
    func drain() throws(ImportError) {
        while try read() != nil {}
    }

    /// Whether the path names a regular file (which can be opened and read a second time).
    var isRegularFile: Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeRegular
    }

    var fileSize: Int64? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value
    }

    /// `sha256:` + hex digest of everything read so far (the whole file once drained).
    var digest: String {
        "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return ns.localizedDescription
    }
}

/// Streams a file as UTF-8 bytes (or raw Windows-1252 bytes, whose ASCII part is the same),
/// whatever encoding it was written in. A BOM is removed; UTF-16 is transcoded chunk by chunk.
final class TextStream {
    let file: ChunkedFile
    let encoding: TextEncoding
    /// The file's first bytes as stored (for signatures such as ZIP's `PK\u{3}\u{4}`).
    let rawPrefix: [UInt8]
    /// How many bytes (as stored) the first chunk held.
    let firstChunkRawCount: Int
    private var pendingRaw: [UInt8]?
    private var pending: [UInt8]?
    private var carry: [UInt8] = []
    private var highSurrogate: UInt16?

    /// Opens `file`, reads its first chunk and decides the encoding from its content
    /// (BOM, zero-byte pattern, UTF-8 validity), unless one is forced.
    init(file: ChunkedFile, forcedEncoding: TextEncoding? = nil) throws(ImportError) {
        self.file = file
        var first = try file.read() ?? []
        rawPrefix = Array(first.prefix(16))
        firstChunkRawCount = first.count
        pendingRaw = first
        let detected = forcedEncoding ?? Self.detectEncoding(first)
        switch detected {
        case .utf8BOM where first.starts(with: [0xEF, 0xBB, 0xBF]): first.removeFirst(3)
        case .utf16LE where first.starts(with: [0xFF, 0xFE]), .utf16BE where first.starts(with: [0xFE, 0xFF]):
            first.removeFirst(2)
        default: break
        }
        encoding = detected
        pending = first
    }

    /// The first bytes of the (decoded) text, for format sniffing, without consuming them.
    func peekPrefix() -> [UInt8] {
        guard let pending else { return [] }
        var copy = TextStream.transcodePreview(pending, encoding: encoding)
        if copy.count > 65_536 { copy.removeLast(copy.count - 65_536) }
        return copy
    }

    /// The whole first chunk of the (decoded) text, without consuming it; empty once reading has begun.
    func peekFirstChunk() -> [UInt8] {
        guard let pending else { return [] }
        return TextStream.transcodePreview(pending, encoding: encoding)
    }

    /// The whole file's remaining bytes as stored, for whole-file binary formats (spreadsheets),
    /// refused above `limit`. Only valid before ``next()`` has been called.
    func remainingRawBytes(limit: Int64) throws(ImportError) -> [UInt8] {
        var bytes = pendingRaw ?? []
        pendingRaw = nil
        pending = nil
        if let size = file.fileSize, size > limit {
            throw .fileTooLarge(file: file.url.path, size: size, limit: limit)
        }
        bytes.append(contentsOf: try file.readAll(limit: limit))
        return bytes
    }

    /// The whole remaining text as UTF-8 (or Windows-1252) bytes, refused above `limit`.
    func readAllText(limit: Int64) throws(ImportError) -> [UInt8] {
        if let size = file.fileSize, size > limit {
            throw .fileTooLarge(file: file.url.path, size: size, limit: limit)
        }
        var all: [UInt8] = []
        while let chunk = try next() {
            all.append(contentsOf: chunk)
            if Int64(all.count) > limit * 2 {
                throw .fileTooLarge(file: file.url.path, size: file.fileSize ?? Int64(all.count), limit: limit)
            }
        }
        return all
    }

    /// Next chunk of UTF-8 (or Windows-1252) bytes, or nil at the end.
    func next() throws(ImportError) -> [UInt8]? {
        let raw: [UInt8]
        if let first = pending {
            pending = nil
            pendingRaw = nil
            raw = first
        } else if let chunk = try file.read() {
            raw = chunk
        } else {
            if !carry.isEmpty || highSurrogate != nil {
                carry.removeAll()
                highSurrogate = nil
                return [0xEF, 0xBF, 0xBD]  // a dangling half character becomes U+FFFD
            }
            return nil
        }
        switch encoding {
        case .utf8, .utf8BOM, .windows1252: return raw
        case .utf16LE, .utf16BE: return transcodeUTF16(raw)
        }
    }

    static func detectEncoding(_ bytes: [UInt8]) -> TextEncoding {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8BOM }
        if bytes.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if bytes.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        // UTF-16 without a BOM: ASCII-heavy text has a zero in every other byte.
        let sample = bytes.prefix(4096)
        if sample.count >= 8 {
            var evenZeros = 0
            var oddZeros = 0
            for (index, byte) in sample.enumerated() where byte == 0 {
                if index % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
            }
            let half = sample.count / 2
            if oddZeros > half * 6 / 10 && evenZeros < half / 10 { return .utf16LE }
            if evenZeros > half * 6 / 10 && oddZeros < half / 10 { return .utf16BE }
        }
        return isValidUTF8Prefix(bytes) ? .utf8 : .windows1252
    }

    /// UTF-8 validity of a chunk whose end may cut a multi-byte character.
    static func isValidUTF8Prefix(_ bytes: [UInt8]) -> Bool {
        var end = bytes.count
        // Allow a character cut by the chunk boundary: back off up to 3 continuation bytes.
        var back = 0
        while back < 3, end - back - 1 >= 0, bytes[end - back - 1] & 0xC0 == 0x80 { back += 1 }
        if end - back - 1 >= 0, bytes[end - back - 1] >= 0xC0 { end = end - back - 1 }
        return String(validating: bytes[0..<end], as: UTF8.self) != nil
    }

    private static func transcodePreview(_ bytes: [UInt8], encoding: TextEncoding) -> [UInt8] {
        switch encoding {
        case .utf8, .utf8BOM, .windows1252: return bytes
        case .utf16LE, .utf16BE:
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var index = 0
            while index + 1 < bytes.count {
                let unit =
                    encoding == .utf16LE
                    ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                    : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                units.append(unit)
                index += 2
            }
            return Array(String(decoding: units, as: UTF16.self).utf8)
        }
    }

    private func transcodeUTF16(_ raw: [UInt8]) -> [UInt8] {
        var bytes = carry
        bytes.append(contentsOf: raw)
        carry.removeAll(keepingCapacity: true)
        if bytes.count % 2 == 1 { carry.append(bytes.removeLast()) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 2)
        let littleEndian = encoding == .utf16LE
        var index = 0
        while index + 1 < bytes.count {
            let unit =
                littleEndian
                ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            index += 2
            if let high = highSurrogate {
                highSurrogate = nil
                if unit >= 0xDC00 && unit <= 0xDFFF {
                    let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                    Self.appendUTF8(scalar, to: &out)
                    continue
                }
                Self.appendUTF8(0xFFFD, to: &out)
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                highSurrogate = unit
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                Self.appendUTF8(0xFFFD, to: &out)
            } else {
                Self.appendUTF8(UInt32(unit), to: &out)
            }
        }
        return out
    }

    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}

/// Turns field bytes into a `String`: UTF-8 when valid, otherwise Windows-1252
/// (a file that is mostly UTF-8 can still hold a line pasted from Danish Excel).
enum FieldDecoder {
    static func string<C: Collection<UInt8>>(_ bytes: C, encoding: TextEncoding) -> String {
        // Most fields are ASCII, which every supported encoding reads the same: the fast path.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if encoding != .windows1252, let text = String(validating: bytes, as: UTF8.self) { return text }
        return windows1252(bytes)
    }

    /// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic characters (€, „, …, ‚, Œ, ...).
    static func windows1252<C: Collection<UInt8>>(_ bytes: C) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F {
                scalars.append(Unicode.Scalar(cp1252High[Int(byte - 0x80)]) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
        0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0xFFFD, 0x017E, 0x0178,
    ]
}
