import CLibXML2

/// A place in a parsed document as Jing reports one: the 1-based line and column just after what is concerned
/// (a start tag's `>`, an end tag's `>`, a text run's last character). Column 0 when it is not known.
public struct XMLPosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let unknown = XMLPosition(line: 0, column: 0)

    public static func < (a: XMLPosition, b: XMLPosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    /// Whether a piece of character data is only XML whitespace (space, tab, line feed, carriage return).
    public static func isWhitespace(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        piece.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Where libxml2's input is now: after an end tag or a text run when it reports one (counted in characters).
    static func current(_ context: UnsafeMutablePointer<xmlParserCtxt>) -> XMLPosition {
        guard let input = context.pointee.input else { return .unknown }
        return XMLPosition(line: Int(input.pointee.line), column: Int(input.pointee.col))
    }

    /// Just after the start tag libxml2 reports: it calls back before it reads the closing `>` or `/>`.
    static func afterStartTag(_ context: UnsafeMutablePointer<xmlParserCtxt>) -> XMLPosition {
        var position = current(context)
        guard let next = context.pointee.input?.pointee.cur else { return position }
        switch next[0] {
        case UInt8(ascii: ">"): position.column += 1
        case UInt8(ascii: "/"): position.column += 2
        default: break
        }
        return position
    }
}
