/// How an entry's bytes are stored in the archive.
public enum ZipCompression: Sendable, Hashable, CustomStringConvertible {
    case stored
    case deflated
    /// Any other method number (bzip2 12, LZMA 14, zstd 93, xz 95, ...).
    case other(UInt16)

    public init(method: UInt16) {
        switch method {
        case 0: self = .stored
        case 8: self = .deflated
        default: self = .other(method)
        }
    }

    /// The method number as written in the ZIP headers.
    public var method: UInt16 {
        switch self {
        case .stored: return 0
        case .deflated: return 8
        case .other(let value): return value
        }
    }

    public var description: String {
        switch self {
        case .stored: return "stored"
        case .deflated: return "deflated"
        case .other(let value): return "method-\(value)"
        }
    }
}

/// One entry of the central directory, as declared (sizes and CRC are what the archive claims).
public struct ZipEntry: Sendable, Hashable {
    /// Position in the central directory (0-based).
    public var index: Int
    /// Entry name, decoded from UTF-8 or CP437 as the archive's flags say. Never used as a file-system path.
    public var name: String
    public var compressedSize: UInt64
    /// Declared uncompressed size. Hostile archives lie; reads are capped independently of it.
    public var uncompressedSize: UInt64
    public var compression: ZipCompression
    public var crc32: UInt32
    /// True when the entry is encrypted (traditional PKWARE or WinZip AES).
    public var isEncrypted: Bool

    public init(
        index: Int, name: String, compressedSize: UInt64, uncompressedSize: UInt64, compression: ZipCompression,
        crc32: UInt32, isEncrypted: Bool
    ) {
        self.index = index
        self.name = name
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.compression = compression
        self.crc32 = crc32
        self.isEncrypted = isEncrypted
    }

    /// Directory entries end with `/`.
    public var isDirectory: Bool { name.hasSuffix("/") }
}
