import Foundation

/// Why an XML document was refused or could not be parsed. `line` and `column` are 1-based (0 when unknown).
public enum XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The document has a DTD (`<!DOCTYPE ...>`): refused, because DTDs carry entity definitions
    /// (XXE, "billion laughs").
    case forbiddenDTD(line: Int)
    /// Elements nest deeper than the reader's cap.
    case tooDeep(depth: Int, line: Int)
    /// Not well-formed XML (or an encoding libxml2 cannot read); `message` is libxml2's, and so is the place.
    case malformed(message: String, line: Int, column: Int = 0)
    /// The input is larger than libxml2 accepts in one buffer.
    case inputTooLarge(bytes: Int)

    public var description: String {
        switch self {
        case .forbiddenDTD(let line): return "DTD refused (line \(line))"
        case .tooDeep(let depth, let line): return "elements nested deeper than \(depth) (line \(line))"
        case .malformed(let message, let line, _): return "malformed XML at line \(line): \(message)"
        case .inputTooLarge(let bytes): return "XML input of \(bytes) bytes is too large"
        }
    }
}

extension XMLError {
    /// libxml2's message as one line: some span two ("Input is not proper UTF-8, indicate encoding !" and then
    /// "Bytes: 0xD7 0x20 0x3C 0x2F"), and a second line printed after the file's own error line names no file.
    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
