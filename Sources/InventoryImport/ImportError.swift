public import Foundation

/// Why a whole inventory file could not be imported. Nothing from such a file is kept.
///
/// Lines that cannot be read inside an otherwise readable file are not errors: they are
/// `Diagnostic` values (kind `unreadable-line`) returned beside the records.
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read (missing, permissions, I/O error, a directory).
    case unreadableFile(file: String, reason: String)
    /// The file is empty.
    case emptyFile(file: String)
    /// The content matches none of the formats we read, or not the one asked for.
    case unrecognisedFormat(file: String, detail: String)
    /// A file in a structured format (JSON, XML, a regedit export, an SPDX tag-value document) that is not
    /// one of the inventories read: `what` says what it is and what it lacks.
    case notAnInventory(file: String, what: String)
    /// Not one line of the file gave a record, and some lines could not be read: the file was most likely
    /// taken for the wrong format, so it fails instead of importing as empty.
    case nothingReadable(file: String, format: String, unreadableLines: Int, firstLine: Int, reason: String)
    /// One record (a CSV record, a text line) is longer than the cap: the file is refused.
    case recordTooLarge(file: String, line: Int, limit: Int)
    /// JSON or XML nested deeper than the cap.
    case nestingTooDeep(file: String, line: Int, limit: Int)
    /// The file is larger than a whole-file format (JSON, spreadsheet) may be.
    case fileTooLarge(file: String, size: Int64, limit: Int64)
    /// The content is broken beyond repair for its format (invalid JSON, malformed XML, bad archive).
    case malformed(file: String, format: String, line: Int?, reason: String)
    /// The header has no column for the software title (or the columns a format needs).
    case missingColumns(file: String, detail: String)
    /// `--map` named a column the file does not have, or is itself malformed.
    case invalidMapping(file: String?, detail: String)
    /// No organisation: neither given nor in a column.
    case missingOrganisation(file: String)
    /// An organisation (municipality or region) that is not known.
    case unknownOrganisation(text: String, reason: String)
    /// `--strict`: the file had unreadable lines.
    case strictFailure(file: String, unreadableLines: Int, firstLine: Int)
    /// The record sink (e.g. the store) refused a record; the file's transaction is abandoned.
    case sinkFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let file, let reason): "\(file): cannot read the file: \(reason)"
        case .emptyFile(let file): "\(file): the file is empty"
        case .unrecognisedFormat(let file, let detail): "\(file): unrecognised inventory format: \(detail)"
        case .notAnInventory(let file, let what): "\(file): not a software inventory Overblik reads: \(what)"
        case .nothingReadable(let file, let format, let count, let firstLine, let reason):
            "\(file): read as \(format), no line gave a software record and \(count) line(s) could not be read "
                + "(the first at line \(firstLine): \(reason)); the file is refused. If it is another format, "
                + "give --input-format"
        case .recordTooLarge(let file, let line, let limit):
            "\(file): line \(line): a record is longer than \(limit) bytes; the file is refused"
        case .nestingTooDeep(let file, let line, let limit):
            "\(file): line \(line): nesting deeper than \(limit) levels; the file is refused"
        case .fileTooLarge(let file, let size, let limit):
            "\(file): \(size) bytes is more than the \(limit) bytes this format may have"
        case .malformed(let file, let format, let line, let reason):
            if let line {
                "\(file): line \(line): not valid \(format): \(reason)"
            } else {
                "\(file): not valid \(format): \(reason)"
            }
        case .missingColumns(let file, let detail): "\(file): \(detail)"
        case .invalidMapping(let file, let detail): file.map { "\($0): --map: \(detail)" } ?? "--map: \(detail)"
        case .missingOrganisation(let file):
            "\(file): no organisation: give --organisation CODE or a column naming the municipality or region"
        case .unknownOrganisation(let text, let reason): "unknown organisation \"\(text)\": \(reason)"
        case .strictFailure(let file, let count, let firstLine):
            "\(file): \(count) unreadable line(s), the first at line \(firstLine) (--strict)"
        case .sinkFailed(let file, let reason): "\(file): could not store the records: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// A line inside a readable file that could not be turned into a record.
