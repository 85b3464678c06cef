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

/// Collects the first error libxml2 reports for one parse (per reader, never global).
private final class ErrorSink {
    var message: String?
    var line: Int = 0
}

/// libxml2 needs one global initialisation before parsers are used from several threads.
private let libxml2Initialised: Bool = {
    xmlInitParser()
    return true
}()

/// A pull parser over an in-memory XML document, built on libxml2's xmlReader.
///
/// Call ``next()`` until it returns `nil`; stop whenever you have what you need (the rest is never parsed).
/// DTDs are refused, nesting is capped, the network is never used, and entities are never expanded.
/// Not thread-safe: one reader per thread.
public final class XMLStreamReader {
    private var reader: OpaquePointer
    private var buffer: UnsafeMutableRawBufferPointer
    private let sink: Unmanaged<ErrorSink>
    private var options: XMLReaderOptions
    private var pendingEnd: XMLEvent?
    private var sawElement = false
    private var prologHasDoctype: Bool
    private var finished = false
    /// After ``skipElement(_:)`` libxml2 is already positioned on the next node, which is still to be reported.
    private var positionedOnUnreportedNode = false
    /// Documents parsed by this libxml2 reader since it was created (see ``reset(bytes:options:)``).
    private var documentsParsed = 1

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
        prologHasDoctype = Self.prologHasDoctype(bytes)
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
        sink = Unmanaged.passRetained(ErrorSink())
        installErrorHandler()
    }

    /// Whether ``reset(bytes:options:)`` may take this document: it must begin with `<` (no byte-order mark,
    /// no UTF-16) and declare no encoding other than UTF-8. libxml2 2.9's reused push parser misreads a
    /// byte-order mark ("Document is empty") and keeps the previous document's encoding state, so other
    /// documents need a fresh reader.
    public static func isReusable(for bytes: [UInt8]) -> Bool {
        guard bytes.first == 0x3C else { return false }
        let declarationStart = Array("<?xml".utf8)
        guard bytes.count >= declarationStart.count, bytes[0..<declarationStart.count].elementsEqual(declarationStart)
        else { return true }  // no declaration: UTF-8 by definition
        var end = declarationStart.count
        let limit = min(bytes.count, 512)
        while end + 1 < limit, !(bytes[end] == 0x3F && bytes[end + 1] == 0x3E) { end += 1 }
        guard end + 1 < limit else { return false }
        let declaration = bytes[0..<end]
        let key = Array("encoding".utf8)
        var index = 0
        while index + key.count <= declaration.count {
            if declaration[index..<index + key.count].elementsEqual(key) { break }
            index += 1
        }
        guard index + key.count <= declaration.count else { return true }  // no encoding: UTF-8
        var position = index + key.count
        func skipSpaces() {
            while position < declaration.count, [0x20, 0x09, 0x0A, 0x0D].contains(declaration[position]) {
                position += 1
            }
        }
        skipSpaces()
        guard position < declaration.count, declaration[position] == 0x3D else { return false }
        position += 1
        skipSpaces()
        guard position < declaration.count, declaration[position] == 0x22 || declaration[position] == 0x27 else {
            return false
        }
        let quote = declaration[position]
        position += 1
        var name: [UInt8] = []
        while position < declaration.count, declaration[position] != quote, name.count < 16 {
            let byte = declaration[position]
            name.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            position += 1
        }
        return name.elementsEqual("utf-8".utf8) || name.elementsEqual("utf8".utf8)
    }

    /// Starts a new document on this reader, reusing its libxml2 parser and name dictionary (creating them is
    /// a large part of parsing a small metadata part). Everything from the previous document is discarded.
    /// Only for documents that ``isReusable(for:)`` accepts.
    public func reset(bytes: [UInt8], options: XMLReaderOptions = .default) throws(XMLError) {
        guard bytes.count < Int(Int32.max) else { throw .inputTooLarge(bytes: bytes.count) }
        precondition(Self.isReusable(for: bytes), "reset(bytes:) needs a document that isReusable(for:) accepts")
        if buffer.count < bytes.count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            buffer.deallocate()
            buffer = larger
        }
        Self.copy(bytes, into: buffer)
        self.options = options
        prologHasDoctype = Self.prologHasDoctype(bytes)
        pendingEnd = nil
        sawElement = false
        finished = false
        positionedOnUnreportedNode = false
        let sinkObject = sink.takeUnretainedValue()
        sinkObject.message = nil
        sinkObject.line = 0
        let pointer = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        // The dictionary keeps every name it has seen: renew the parser now and then so that a long scan of
        // documents with ever-new element names cannot grow it without bound.
        documentsParsed += 1
        if documentsParsed > Self.documentsPerParser
            || xmlReaderNewMemory(reader, pointer, Int32(bytes.count), nil, nil, Self.parseOptions) != 0
        {
            guard let fresh = xmlReaderForMemory(pointer, Int32(bytes.count), nil, nil, Self.parseOptions) else {
                finished = true
                throw .malformed(message: "libxml2 could not create a reader", line: 0)
            }
            xmlFreeTextReader(reader)
            reader = fresh
            documentsParsed = 1
        }
        installErrorHandler()
    }

    /// Documents parsed by one libxml2 parser before ``reset(bytes:options:)`` replaces it.
    static let documentsPerParser = 512

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
                let sink = Unmanaged<ErrorSink>.fromOpaque(context).takeUnretainedValue()
                // Keep the first error: later ones are usually consequences of it.
                guard sink.message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
                let message = error.pointee.message.map { String(cString: $0) } ?? "parse error"
                sink.message = message.trimmingTrailingNewlines()
                sink.line = Int(error.pointee.line)
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
                let localName = string(xmlTextReaderConstLocalName(reader))
                let namespaceURI = string(xmlTextReaderConstNamespaceUri(reader))
                let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                var attributes: [XMLAttribute] = []
                if xmlTextReaderHasAttributes(reader) == 1 {
                    while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                        // Namespace declarations are bindings, not attributes.
                        if xmlTextReaderIsNamespaceDecl(reader) == 1 { continue }
                        attributes.append(
                            XMLAttribute(
                                localName: string(xmlTextReaderConstLocalName(reader)),
                                namespaceURI: string(xmlTextReaderConstNamespaceUri(reader)),
                                value: string(xmlTextReaderConstValue(reader))))
                    }
                    xmlTextReaderMoveToElement(reader)
                }
                if isEmpty {
                    pendingEnd = .endElement(localName: localName, namespaceURI: namespaceURI, depth: depth)
                }
                return .startElement(
                    XMLElementStart(
                        localName: localName, namespaceURI: namespaceURI, attributes: attributes, depth: depth,
                        isEmpty: isEmpty))
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                return .endElement(
                    localName: string(xmlTextReaderConstLocalName(reader)),
                    namespaceURI: string(xmlTextReaderConstNamespaceUri(reader)), depth: depth)
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
        let sink = sink.takeUnretainedValue()
        // libxml2 parses the internal subset before it reports the DOCTYPE node, so an entity loop or an
        // expansion limit can fail the parse first: that is still a DTD, and refused as one.
        if !sawElement && prologHasDoctype { return .forbiddenDTD(line: sink.line) }
        if let message = sink.message {
            if message.contains("Excessive depth") { return .tooDeep(depth: options.maxDepth, line: sink.line) }
            return .malformed(message: message, line: sink.line)
        }
        return .malformed(message: "parse error", line: line)
    }

    /// Whether `<!DOCTYPE` occurs before the first element (ASCII-compatible encodings).
    private static func prologHasDoctype(_ bytes: [UInt8]) -> Bool {
        let doctype = Array("<!DOCTYPE".utf8)
        var index = 0
        let end = min(bytes.count, 1 << 20)
        while index < end {
            if bytes[index] == 0x3C, index + 1 < end {
                let next = bytes[index + 1]
                if next != 0x3F && next != 0x21 { return false }  // first element reached
                if index + doctype.count <= end && Array(bytes[index..<index + doctype.count]) == doctype {
                    return true
                }
            }
            index += 1
        }
        return false
    }

    private func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var result = self
        while let last = result.last, last == "\n" || last == "\r" { result.removeLast() }
        return result
    }
}
