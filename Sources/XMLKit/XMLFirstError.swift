import CLibXML2

/// The first error libxml2 reports for one parse (per parser, never global), and what it means as an
/// ``XMLError``. Both parsers in this module collect errors through one of these.
final class XMLFirstError {
    private(set) var message: String?
    private(set) var line = 0
    private(set) var column = 0

    /// Keeps `error` if it is the first of level error or worse: later ones are usually consequences of it.
    func record(_ error: UnsafePointer<xmlError>) {
        guard message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        message = XMLError.oneLine(error.pointee.message.map { String(cString: $0) } ?? "parse error")
        line = Int(error.pointee.line)
        column = Int(error.pointee.int2)  // libxml2 keeps a parse error's column there
    }

    func reset() {
        message = nil
        line = 0
        column = 0
    }

    /// The parse failed: why, as an ``XMLError``. `fallbackLine` is used when libxml2 said nothing.
    func failure(
        sawElement: Bool, prologHasDoctype: Bool, maxDepth: Int, fallbackLine: Int
    ) -> XMLError {
        // libxml2 parses the internal subset before it reports the DOCTYPE, so an entity loop or an expansion
        // limit can fail the parse first: that is still a DTD, and refused as one.
        if !sawElement && prologHasDoctype { return .forbiddenDTD(line: line) }
        if let message {
            if message.contains("Excessive depth") { return .tooDeep(depth: maxDepth, line: line) }
            return .malformed(message: message, line: line, column: column)
        }
        return .malformed(message: "parse error", line: fallbackLine)
    }
}
