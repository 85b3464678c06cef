/// Something worth telling about an input that is not worth stopping for: returned beside the result, never
/// thrown (one bad line or file never stops a batch). The one shape for the import's unreadable lines and notes,
/// the tree walker's issues, and the report's rejected files and evidence lines.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        /// Information about how the input was read (the delimiter guessed, repairs made).
        case note
        /// Part of the input was left out (an unreadable line, a rejected file, a directory not read).
        case warning
    }

    /// What happened, so callers can pick or count diagnostics without reading their messages.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An input line (or record) that became no record: too few fields, no title, an unknown relation...
        case unreadableLine = "unreadable-line"
        /// A delimited file's row with fewer fields than its header: kept with the fields it has (the missing
        /// ones read as empty), and flagged because a row cut short often means a damaged export.
        case shortRow = "short-row"
        /// How a delimited file was split (the delimiter found).
        case delimiter
        /// A whole input file refused: not a valid submission, ...
        case rejectedFile = "rejected-file"
        /// Anything else about the file as a whole: repairs made to invalid JSON, items the file marks as not
        /// installed, ignored sheets.
        case fileNote = "file-note"
        /// A directory that could not be opened or read (permissions, I/O error).
        case unreadableDirectory = "unreadable-directory"
        /// A symbolic link that points back into a directory already visited.
        case symlinkLoop = "symlink-loop"
        /// A dangling symbolic link.
        case brokenSymlink = "broken-symlink"
        /// A FIFO, socket or device: never opened.
        case special
    }

    public var severity: Severity
    public var kind: Kind
    /// The file (or path) concerned, as the user named it.
    public var file: String
    /// 1-based line (or record number for formats without lines), when the diagnostic is about one.
    public var line: Int?
    public var message: String

    public init(_ severity: Severity, _ kind: Kind, file: String, line: Int? = nil, message: String) {
        self.severity = severity
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file, line 3: message`, or `file: message`.
    public var description: String {
        (line.map { "\(file), line \($0)" } ?? file) + ": " + message
    }
}
