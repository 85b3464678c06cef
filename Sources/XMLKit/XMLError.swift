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
