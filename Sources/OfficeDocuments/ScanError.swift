/// Errors of this module that stop an operation (per-file problems never throw: they are recorded).
public enum ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A root given to the scanner does not exist or cannot be read.
    case unreadableRoot(path: String, reason: String)
    /// The record sink refused a record (e.g. the output file or store failed).
    case sinkFailed(String)
    /// The reader could not be made when the first file needed reading (its catalog failed to load).
    case readerUnavailable(String)

    public var description: String {
        switch self {
        case .unreadableRoot(let path, let reason): return "cannot scan \(path): \(reason)"
        case .sinkFailed(let reason): return "cannot write scan results: \(reason)"
        case .readerUnavailable(let reason): return "cannot read documents: \(reason)"
        }
    }
}
