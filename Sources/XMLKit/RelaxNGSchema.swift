import CLibXML2
import Synchronization

/// One schema-validity problem in a document: where, and libxml2's message.
public struct XMLValidityIssue: Sendable, Hashable {
    /// 1-based line of the offending node (0 when libxml2 gives none).
    public var line: Int
    /// 1-based column when known (libxml2 gives columns for parse errors only), else 0.
    public var column: Int
    /// Local name of the element the message is about, if any.
    public var element: String?
    /// libxml2's message, trimmed.
    public var message: String

    public init(line: Int, column: Int, element: String?, message: String) {
        self.line = line
        self.column = column
        self.element = element
        self.message = message
    }
}

/// A RELAX NG schema compiled once by libxml2 (`xmlRelaxNGParse`) and shared across threads.
///
/// libxml2 keeps no per-validation state in a compiled `xmlRelaxNGPtr`; each ``validate(_:issueLimit:)`` call
/// creates its own validation context (`xmlRelaxNGNewValidCtxt`), so one instance serves any number of threads.
/// Compilation itself goes through one lock, because libxml2 initialises its datatype libraries lazily.
public final class RelaxNGSchema: @unchecked Sendable {
    private let schema: xmlRelaxNGPtr
    /// A name for messages (the schema file name).
    public let name: String

    private static let compileLock = Mutex(())

    /// Compiles the schema in `bytes` (`xmlRelaxNGNewMemParserCtxt`, `xmlRelaxNGParse`). The schema must be
    /// self-contained: includes and external references are not followed.
    public init(bytes: [UInt8], name: String) throws(XMLError) {
        precondition(libxml2Initialised)
        let compiled: xmlRelaxNGPtr? = Self.compileLock.withLock { _ in Self.compile(bytes) }
        guard let compiled else { throw .malformed(message: "RELAX NG schema \(name) does not compile", line: 0) }
        schema = compiled
        self.name = name
    }

    private static func compile(_ bytes: [UInt8]) -> xmlRelaxNGPtr? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                guard let context = xmlRelaxNGNewMemParserCtxt(pointer, Int32(buffer.count)) else { return nil }
                defer { xmlRelaxNGFreeParserCtxt(context) }
                xmlRelaxNGSetParserStructuredErrors(context, { _, _ in }, nil)
                return xmlRelaxNGParse(context)
            }
        }
    }

    deinit { xmlRelaxNGFree(schema) }

    /// Validates `tree`; returns no issues when it is valid. At most `issueLimit` issues are kept (libxml2
    /// repeats one mistake up the tree). ID/IDREF cross-references are not checked, as with `jing -i`.
    public func validate(_ tree: XMLTree, issueLimit: Int = 20) -> [XMLValidityIssue] {
        guard let context = xmlRelaxNGNewValidCtxt(schema) else {
            return [XMLValidityIssue(line: 0, column: 0, element: nil, message: "no validation context")]
        }
        defer { xmlRelaxNGFreeValidCtxt(context) }
        let collector = IssueCollector(limit: issueLimit)
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlRelaxNGSetValidStructuredErrors(
            context,
            { userData, error in
                guard let userData, let error else { return }
                Unmanaged<IssueCollector>.fromOpaque(userData).takeUnretainedValue().record(error)
            }, unmanaged.toOpaque())
        let result = xmlRelaxNGValidateDoc(context, tree.document)
        if result != 0, collector.issues.isEmpty, collector.ignored == 0 {
            let line = tree.rootLine
            return [XMLValidityIssue(line: line, column: 0, element: nil, message: "not valid against \(name)")]
        }
        return collector.issues
    }
}

/// Gathers libxml2's structured validity errors for one validation.
private final class IssueCollector {
    let limit: Int
    var issues: [XMLValidityIssue] = []
    var ignored = 0

    init(limit: Int) { self.limit = limit }

    func record(_ error: UnsafePointer<xmlError>) {
        // ID/IDREF cross-reference checks are DTD-compatibility extras that `jing -i` leaves out too.
        let code = error.pointee.code
        if code == Int32(XML_DTD_UNKNOWN_ID.rawValue) || code == Int32(XML_DTD_ID_REDEFINED.rawValue) {
            ignored += 1
            return
        }
        guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, issues.count < limit else { return }
        var text = error.pointee.message.map { String(cString: $0) } ?? "invalid"
        while let last = text.last, last == "\n" || last == "\r" || last == " " { text.removeLast() }
        var line = Int(error.pointee.line)
        var element: String?
        if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self) {
            if line == 0 { line = Int(xmlGetLineNo(node)) }
            if node.pointee.type == XML_ELEMENT_NODE { element = String(cString: node.pointee.name) }
        }
        let issue = XMLValidityIssue(line: line, column: Int(error.pointee.int2), element: element, message: text)
        if issues.last != issue { issues.append(issue) }
    }
}
