import CLibXML2

/// An attribute of an element: local name, namespace URI (empty when none) and value.
public struct XMLAttribute: Sendable, Hashable {
    public var localName: String
    public var namespaceURI: String
    public var value: String

    public init(localName: String, namespaceURI: String, value: String) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.value = value
    }
}

/// The start of an element. `depth` is 0 for the root element.
public struct XMLElementStart: Sendable, Hashable {
    public var localName: String
    public var namespaceURI: String
    public var attributes: [XMLAttribute]
    public var depth: Int
    /// `<a/>`: an ``XMLEvent/endElement(localName:namespaceURI:depth:)`` follows immediately.
    public var isEmpty: Bool

    public init(localName: String, namespaceURI: String, attributes: [XMLAttribute], depth: Int, isEmpty: Bool) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.attributes = attributes
        self.depth = depth
        self.isEmpty = isEmpty
    }

    /// The value of the attribute with this local name and namespace URI, if present.
    public func attribute(_ localName: String, namespace namespaceURI: String) -> String? {
        attributes.first { $0.localName == localName && $0.namespaceURI == namespaceURI }?.value
    }
}

/// One step of a streaming parse. Empty elements produce a start and an end, so events always balance.
public enum XMLEvent: Sendable, Hashable {
    case startElement(XMLElementStart)
    /// Character data or a CDATA section (significant whitespace included) directly inside the current element.
    case text(String, depth: Int)
    case endElement(localName: String, namespaceURI: String, depth: Int)
}

/// Options for ``XMLStreamReader``. Network access, entity substitution and DTD loading are always off.
public struct XMLReaderOptions: Sendable, Hashable {
    /// Deepest element nesting accepted (root = 0). Deeper input throws ``XMLError/tooDeep(depth:line:)``.
    public var maxDepth: Int

    /// Accept a DOCTYPE that only names an external DTD (`<!DOCTYPE x PUBLIC "..." "x.dtd">`) and declares
    /// nothing itself. The external DTD is never loaded (no network, no DTD loading), so such a DOCTYPE
    /// cannot define entities; OpenOffice.org 1.x and 2.x wrote one into every `meta.xml` and manifest.
    /// A DOCTYPE with an internal subset (where XXE and entity-expansion attacks live) is always refused.
    public var allowsExternalDoctype: Bool

    public init(maxDepth: Int = 128, allowsExternalDoctype: Bool = false) {
        self.maxDepth = maxDepth
        self.allowsExternalDoctype = allowsExternalDoctype
    }

    public static let `default` = XMLReaderOptions()
}

/// libxml2 needs one global initialisation before parsers are used from several threads.
let libxml2Initialised: Bool = {
    xmlInitParser()
    return true
}()

/// A pull parser over an in-memory XML document, built on libxml2's xmlReader.
///
/// Call ``next()`` until it returns `nil`; stop whenever you have what you need (the rest is never parsed).
/// DTDs are refused, nesting is capped, the network is never used, and entities are never expanded.
/// Not thread-safe: one reader per thread.
public final class XMLStreamReader {
    private let reader: OpaquePointer
    private let buffer: UnsafeMutableRawBufferPointer
    private let sink: Unmanaged<XMLFirstError>
    private let options: XMLReaderOptions
    private var pendingEnd: XMLEvent?
    private var sawElement = false
    private let prologHasDoctype: Bool
    private var finished = false
    /// After ``skipElement(_:)`` libxml2 is already positioned on the next node, which is still to be reported.
    private var positionedOnUnreportedNode = false

    // NONET: never fetch; NOERROR/NOWARNING: no printing (errors go to our sink).
    // Deliberately absent: NOENT (entity substitution), DTDLOAD, DTDATTR, DTDVALID, HUGE.
    private static let parseOptions = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// Prepares a parse of `bytes` (copied). Parsing happens lazily in ``next()``.
    public init(bytes: [UInt8], options: XMLReaderOptions = .default) throws(XMLError) {
        precondition(libxml2Initialised)
        guard bytes.count < Int(Int32.max) else { throw .inputTooLarge(bytes: bytes.count) }
        self.options = options
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        Self.copy(bytes, into: buffer)
        prologHasDoctype = XMLPrologue.hasDoctype(bytes)
        guard
            let reader = xmlReaderForMemory(
                buffer.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, nil,
                Self.parseOptions)
        else {
            buffer.deallocate()
            throw .malformed(message: "libxml2 could not create a reader", line: 0)
        }
        self.buffer = buffer
        self.reader = reader
        sink = Unmanaged.passRetained(XMLFirstError())
        installErrorHandler()
    }

    private static func copy(_ bytes: [UInt8], into buffer: UnsafeMutableRawBufferPointer) {
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { buffer.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        }
    }

    private func installErrorHandler() {
        xmlTextReaderSetStructuredErrorHandler(
            reader,
            { context, error in
                guard let context, let error else { return }
                Unmanaged<XMLFirstError>.fromOpaque(context).takeUnretainedValue().record(error)
            }, sink.toOpaque())
    }

    deinit {
        xmlFreeTextReader(reader)
        buffer.deallocate()
        sink.release()
    }

    /// Current line in the input (1-based), for diagnostics.
    public var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The next event, or `nil` at the end of the document.
    public func next() throws(XMLError) -> XMLEvent? {
        if let pending = pendingEnd {
            pendingEnd = nil
            return pending
        }
        if finished { return nil }
        while true {
            let status: Int32
            if positionedOnUnreportedNode {
                positionedOnUnreportedNode = false
                status = 1
            } else {
                status = xmlTextReaderRead(reader)
            }
            if status == 0 {
                finished = true
                return nil
            }
            if status < 0 {
                finished = true
                throw currentError()
            }
            let nodeType = xmlTextReaderNodeType(reader)
            let depth = Int(xmlTextReaderDepth(reader))
            switch nodeType {
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                if options.allowsExternalDoctype && doctypeDeclaresNothing() { continue }
                finished = true
                throw .forbiddenDTD(line: line)
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue), Int32(XML_READER_TYPE_ENTITY.rawValue):
                // Unreachable without a DTD, but never let an entity through.
                finished = true
                throw .forbiddenDTD(line: line)
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                if depth > options.maxDepth {
                    finished = true
                    throw .tooDeep(depth: options.maxDepth, line: line)
                }
                sawElement = true
                // Names, namespaces and attributes are read from the node itself: xmlTextReaderConst*
                // look every namespace URI up in the parser's dictionary again (a hash of the whole URI
                // per element and attribute), which was the largest single cost of reading a manifest.
                guard let node = xmlTextReaderCurrentNode(reader) else {
                    finished = true
                    throw currentError()
                }
                let element = node.pointee
                let localName = string(element.name)
                let namespaceURI = namespaceString(element.ns)
                let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                var attributes: [XMLAttribute] = []
                // Namespace declarations live in `nsDef`, not here: they are bindings, not attributes.
                var property = element.properties
                while let attribute = property {
                    attributes.append(
                        XMLAttribute(
                            localName: string(attribute.pointee.name),
                            namespaceURI: namespaceString(attribute.pointee.ns),
                            value: attributeValue(attribute)))
                    property = attribute.pointee.next
                }
                if isEmpty {
                    pendingEnd = .endElement(localName: localName, namespaceURI: namespaceURI, depth: depth)
                }
                return .startElement(
                    XMLElementStart(
                        localName: localName, namespaceURI: namespaceURI, attributes: attributes, depth: depth,
                        isEmpty: isEmpty))
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                guard let node = xmlTextReaderCurrentNode(reader) else {
                    finished = true
                    throw currentError()
                }
                return .endElement(
                    localName: string(node.pointee.name), namespaceURI: namespaceString(node.pointee.ns),
                    depth: depth)
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                return .text(string(xmlTextReaderConstValue(reader)), depth: depth)
            default:
                continue  // comments, processing instructions, insignificant whitespace
            }
        }
    }

    /// Skips the element just started, its content and its end, without reporting or copying anything.
    /// Call right after receiving its ``XMLEvent/startElement(_:)``; the next event is what follows it.
    public func skipElement(_ start: XMLElementStart) throws(XMLError) {
        if start.isEmpty {
            pendingEnd = nil
            return
        }
        if finished { return }
        // xmlTextReaderNext parses the subtree (so depth caps and errors still apply) but builds nothing for us.
        let status = xmlTextReaderNext(reader)
        if status < 0 {
            finished = true
            throw currentError()
        }
        if status == 0 {
            finished = true
            return
        }
        positionedOnUnreportedNode = true
    }

    /// True when the current DOCTYPE node has no internal subset declarations (no entities, elements,
    /// attribute lists or notations).
    private func doctypeDeclaresNothing() -> Bool {
        guard let node = xmlTextReaderCurrentNode(reader) else { return false }
        let dtd = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlDtd.self).pointee
        return dtd.children == nil && dtd.entities == nil && dtd.pentities == nil && dtd.elements == nil
            && dtd.attributes == nil && dtd.notations == nil
    }

    private func currentError() -> XMLError {
        sink.takeUnretainedValue().failure(
            sawElement: sawElement, prologHasDoctype: prologHasDoctype, maxDepth: options.maxDepth, fallbackLine: line)
    }

    private func namespaceString(_ namespace: UnsafeMutablePointer<xmlNs>?) -> String {
        guard let namespace else { return "" }
        return string(namespace.pointee.href)
    }

    /// An attribute's value: its single text child as parsed, or (should entity or character references
    /// have split it) the concatenation libxml2 makes of its children.
    private func attributeValue(_ attribute: UnsafeMutablePointer<xmlAttr>) -> String {
        guard let child = attribute.pointee.children else { return "" }
        if child.pointee.type == XML_TEXT_NODE && child.pointee.next == nil { return string(child.pointee.content) }
        guard let joined = xmlNodeListGetString(attribute.pointee.doc, child, 1) else { return "" }
        defer { overblik_xml_free(joined) }
        return string(joined)
    }

    private func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
