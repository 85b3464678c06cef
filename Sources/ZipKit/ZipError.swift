/// Why a ZIP archive or one of its entries could not be read. Cases carry the evidence.
public enum ZipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input is empty (zero bytes).
    case empty
    /// No ZIP structure found at all (no local header at the start, no end-of-central-directory record).
    case notAZip(detail: String)
    /// The input starts like a ZIP archive but its end (the central directory) is missing or cut off.
    case truncated(detail: String)
    /// The central directory contradicts itself or the file (bad offsets, sizes, multi-disk).
    case inconsistent(detail: String)
    /// The file could not be opened or read from disk.
    case unreadable(path: String, detail: String)
    /// No entry with this name (or index) exists.
    case noSuchEntry(name: String)
    /// The entry would inflate beyond `limit` bytes (declared or actual): zip-bomb guard.
    case entryTooLarge(entry: String, limit: Int)
    /// The inflated bytes do not match the entry's CRC-32.
    case badCRC(entry: String)
    /// The entry is encrypted (traditional PKWARE or AES) and no password is used.
    case encrypted(entry: String)
    /// The entry uses a compression method libzip cannot inflate.
    case unsupportedCompression(entry: String, method: UInt16)
    /// Inflating or reading the entry failed (corrupt deflate stream, short read, ...).
    case corruptEntry(entry: String, detail: String)

    public var description: String {
        switch self {
        case .empty: return "empty input"
        case .notAZip(let detail): return "not a ZIP archive: \(detail)"
        case .truncated(let detail): return "truncated ZIP archive: \(detail)"
        case .inconsistent(let detail): return "inconsistent ZIP archive: \(detail)"
        case .unreadable(let path, let detail): return "cannot read \(path): \(detail)"
        case .noSuchEntry(let name): return "no entry named '\(name)'"
        case .entryTooLarge(let entry, let limit): return "entry '\(entry)' inflates beyond the \(limit)-byte cap"
        case .badCRC(let entry): return "entry '\(entry)' fails its CRC-32 check"
        case .encrypted(let entry): return "entry '\(entry)' is encrypted"
        case .unsupportedCompression(let entry, let method):
            return "entry '\(entry)' uses unsupported compression method \(method)"
        case .corruptEntry(let entry, let detail): return "entry '\(entry)' is corrupt: \(detail)"
        }
    }
}
