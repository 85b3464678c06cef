/// Why a compound file (OLE2 / CFB) or one of its streams could not be read. Cases carry the evidence.
public enum CompoundFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input is empty (zero bytes).
    case empty
    /// The input does not begin with the compound file signature.
    case notACompoundFile
    /// The file could not be opened or read from disk.
    case unreadable(path: String, detail: String)
    /// The header contradicts the format or the file (sector size, mini-stream cutoff, FAT larger than the file).
    case badHeader(detail: String)
    /// A sector chain (of the directory, or of the FAT's own locations) visits a sector twice.
    case loop(chain: String, sector: UInt32)
    /// A sector or directory index points outside the file or the directory.
    case outOfRange(what: String, index: UInt32, limit: UInt32)
    /// More directory entries or nesting than any real document has: refused before libgsf builds its tree.
    case tooManyEntries(limit: Int)
    /// A directory entry claims a stream larger than the whole file.
    case sizeBeyondFile(entry: String, size: UInt64, fileSize: UInt64)
    /// libgsf refused the structure (its own message).
    case corrupt(detail: String)
    /// No stream at this path.
    case noSuchStream(path: String)
    /// A property set stream (`\u{5}SummaryInformation`, ...) that is too large, nests too deep, or that libgsf
    /// refused (its message).
    case badPropertySet(stream: String, detail: String)

    public var description: String {
        switch self {
        case .empty: return "empty input"
        case .notACompoundFile: return "not a compound file (no OLE2 signature)"
        case .unreadable(let path, let detail): return "cannot read \(path): \(detail)"
        case .badHeader(let detail): return "bad compound file header: \(detail)"
        case .loop(let chain, let sector): return "the \(chain) chain loops back to sector \(sector)"
        case .outOfRange(let what, let index, let limit): return "\(what) \(index) is out of range (limit \(limit))"
        case .tooManyEntries(let limit): return "more than \(limit) directory entries"
        case .sizeBeyondFile(let entry, let size, let fileSize):
            return "stream '\(entry)' claims \(size) bytes in a file of \(fileSize)"
        case .corrupt(let detail): return "corrupt compound file: \(detail)"
        case .noSuchStream(let path): return "no stream '\(path)'"
        case .badPropertySet(let stream, let detail): return "property set '\(stream)': \(detail)"
        }
    }
}
