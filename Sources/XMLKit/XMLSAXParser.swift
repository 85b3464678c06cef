import CLibXML2

/// What an ``XMLContentHandler`` wants done with an element that just started.
public enum XMLElementDecision: Sendable, Equatable {
    /// Report its children (and its end, through ``XMLContentHandler/endElement(_:)``).
    case enter
    /// Parse past its content without reporting anything of it (not even its end).
    case skip
    /// Gather its text, nested elements' text included, and hand it over through
    /// ``XMLContentHandler/collectedText(_:tag:)`` with `tag` when the element ends. Nothing else of it is reported.
    case collectText(tag: Int)
    /// End the parse now: the rest of the document is never parsed (nor checked).
    case stop
}

/// Receives a document's elements from ``XMLSAXParser`` as libxml2 parses them.
///
/// The views passed in point into libxml2's buffers: they are valid only during the call. Names and values
/// can be compared as bytes (``XMLNameView/hasLocalName(_:)``) without making a `String`; a `String` is made
/// only when the handler asks for one.
public protocol XMLContentHandler: AnyObject {
    func startElement(_ element: XMLElementView) -> XMLElementDecision
    /// The text of an element whose start returned ``XMLElementDecision/collectText(tag:)``.
    func collectedText(_ text: String, tag: Int)
    /// An entered element ends. Return `false` to end the parse here.
    func endElement(_ element: XMLNameView) -> Bool
}

extension XMLContentHandler {
    public func collectedText(_ text: String, tag: Int) {}
    public func endElement(_ element: XMLNameView) -> Bool { true }
}

/// A NUL-terminated UTF-8 string owned by libxml2, compared against Swift literals without copying.
/// Inlinable, as the name tests below: handlers in other modules call them for every element.
@inlinable
func bytes(_ cString: UnsafePointer<UInt8>, equal literal: StaticString) -> Bool {
    let expected = literal.utf8Start
    let count = literal.utf8CodeUnitCount
    var index = 0
    // Stops at the first difference, so a shorter C string ends at its NUL (never equal to a literal's byte).
    while index < count {
        if cString[index] != expected[index] { return false }
        index += 1
    }
    return cString[count] == 0
}

/// A local name and namespace URI as libxml2 holds them during a callback.
public struct XMLQualifiedName {
    @usableFromInline let localNameBytes: UnsafePointer<UInt8>
    @usableFromInline let namespaceBytes: UnsafePointer<UInt8>?
}

/// Something named during a callback: an element or an attribute. Names compare as bytes against literals; a
/// `String` is made only when asked for.
public protocol XMLNamed {
    var qualifiedName: XMLQualifiedName { get }
}

extension XMLNamed {
    @inlinable
    public func hasLocalName(_ name: StaticString) -> Bool { bytes(qualifiedName.localNameBytes, equal: name) }

    /// Whether the namespace URI is exactly `uri` (never, for a name in no namespace).
    @inlinable
    public func isInNamespace(_ uri: StaticString) -> Bool {
        guard let namespaceBytes = qualifiedName.namespaceBytes else { return false }
        return bytes(namespaceBytes, equal: uri)
    }

    public var localName: String { String(cString: qualifiedName.localNameBytes) }
    /// The namespace URI, empty when none.
    public var namespaceURI: String { qualifiedName.namespaceBytes.map { String(cString: $0) } ?? "" }
}

/// An element's name during a callback, with its depth (root = 0).
public struct XMLNameView: XMLNamed {
    public let depth: Int
    public let qualifiedName: XMLQualifiedName
}

/// An attribute during a callback. Namespace declarations are not attributes and never appear.
public struct XMLAttributeView: XMLNamed {
    public let qualifiedName: XMLQualifiedName
    let valueStart: UnsafePointer<UInt8>
    let valueEnd: UnsafePointer<UInt8>

    /// The value, entities and character references decoded.
    public var value: String {
        let raw = UnsafeBufferPointer(start: valueStart, count: valueEnd - valueStart)
        // Without entity substitution (never enabled) libxml2 hands a literal "&" over as "&#38;" for the
        // tree builder to decode later; every other reference already arrives decoded.
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: Self.decodingAmpersands(raw), as: UTF8.self)
    }

    /// Whether the value is exactly `literal`, compared as bytes (no `String` is made).
    public func valueEquals(_ literal: StaticString) -> Bool {
        let raw = UnsafeBufferPointer(start: valueStart, count: valueEnd - valueStart)
        // A "&#38;" in the raw bytes stands for "&": such a value is decoded first.
        if raw.contains(UInt8(ascii: "&")) { return value == literal.description }
        return raw.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Replaces `bytes` with the value's UTF-8, decoded as ``value`` is (for a handler that keeps a value
    /// without making a `String` of it until it is needed).
    public func copyValue(into bytes: inout [UInt8]) {
        let raw = UnsafeBufferPointer(start: valueStart, count: valueEnd - valueStart)
        bytes.removeAll(keepingCapacity: true)
        if raw.contains(UInt8(ascii: "&")) {
            bytes.append(contentsOf: Self.decodingAmpersands(raw))
        } else {
            bytes.append(contentsOf: raw)
        }
    }

    private static func decodingAmpersands(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let reference = Array("&#38;".utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "&"), index + reference.count <= raw.count,
                raw[index..<index + reference.count].elementsEqual(reference)
            {
                decoded.append(UInt8(ascii: "&"))
                index += reference.count
            } else {
                decoded.append(raw[index])
                index += 1
            }
        }
        return decoded
    }
}

/// An element start during a callback: its name, depth and attributes.
public struct XMLElementView: XMLNamed {
    public let name: XMLNameView
    let attributeCount: Int
    let attributeFields: UnsafePointer<UnsafePointer<UInt8>?>?

    public var depth: Int { name.depth }
    public var qualifiedName: XMLQualifiedName { name.qualifiedName }

    /// The attributes, read in place (no array is made).
    public var attributes: XMLAttributeList {
        XMLAttributeList(count: attributeFields == nil ? 0 : attributeCount, fields: attributeFields)
    }

    /// The value of the first attribute with this local name in this namespace (`nil`: in any namespace).
    public func attribute(_ localName: StaticString, namespace: StaticString? = nil) -> String? {
        firstAttribute(localName, namespace: namespace)?.value
    }

    /// The first attribute with this local name in this namespace (`nil`: in any namespace), as a view.
    public func firstAttribute(_ localName: StaticString, namespace: StaticString? = nil) -> XMLAttributeView? {
        for attribute in attributes where attribute.hasLocalName(localName) {
            if let namespace, !attribute.isInNamespace(namespace) { continue }
            return attribute
        }
        return nil
    }
}

/// An element's attributes during a callback, in document order.
public struct XMLAttributeList: RandomAccessCollection {
    public let count: Int
    /// libxml2's layout: five pointers per attribute (local name, prefix, URI, value start, value end).
    let fields: UnsafePointer<UnsafePointer<UInt8>?>?

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> XMLAttributeView {
        precondition(position >= 0 && position < count, "attribute index out of range")
        let base = fields! + position * 5
        // libxml2 always sets the local name and the value bounds of a reported attribute.
        return XMLAttributeView(
            qualifiedName: XMLQualifiedName(localNameBytes: base[0]!, namespaceBytes: base[2]), valueStart: base[3]!,
            valueEnd: base[4]!)
    }
}

/// A SAX2 parser over in-memory XML, for reading a few fields out of small documents quickly.
///
/// It builds no tree and makes no `String` the handler does not ask for; libxml2 parses the whole buffer in
/// one pass (push parser, final chunk) and stops as soon as the handler says so. The same refusals as
/// ``XMLStreamReader``: a DTD with declarations is refused (one that only names an external DTD only when
/// ``XMLReaderOptions/allowsExternalDoctype``), entities are never substituted or loaded, the network is
/// never used, and nesting deeper than ``XMLReaderOptions/maxDepth`` fails the parse.
///
/// One parser serves many documents (its libxml2 context and name dictionary are reused); not thread-safe.
public final class XMLSAXParser {
    private var context: UnsafeMutablePointer<xmlParserCtxt>?
    private let state = ParseState()
    private var documentsParsed = 0

    /// Documents parsed by one libxml2 context before it is replaced, so that its name dictionary (which keeps
    /// every name seen) cannot grow without bound over a long scan.
    static let documentsPerContext = 512

    // NONET: never fetch; NOERROR/NOWARNING: no printing (errors reach the structured handler).
    // Deliberately absent: NOENT (entity substitution), DTDLOAD, DTDATTR, DTDVALID, HUGE.
    static let parseOptions = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    public init() {}

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    /// Parses `bytes`, reporting to `handler`, until the document ends or the handler stops it.
    public func parse(
        _ bytes: [UInt8], options: XMLReaderOptions = .default, handler: any XMLContentHandler
    ) throws(XMLError) {
        guard bytes.count < Int(Int32.max) else { throw .inputTooLarge(bytes: bytes.count) }
        precondition(libxml2Initialised)
        let context = try prepareContext(for: bytes)
        state.begin(handler: handler, options: options, context: context)
        defer { state.end() }
        context.pointee.userData = Unmanaged.passUnretained(state).toOpaque()
        // The whole document as the final chunk: libxml2 parses it in one pass, without the look-ahead it needs
        // when more data may follow. An empty document (no base address) is passed as none at all.
        bytes.withUnsafeBytes { raw in
            _ = xmlParseChunk(context, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), 1)
        }
        if let refusal = state.refusal { throw refusal }
        if state.stoppedByHandler { return }
        // Namespace errors (an undeclared prefix) leave the document well-formed: what it says is still read,
        // as old StarOffice manifests need.
        if context.pointee.wellFormed == 0 {
            throw state.firstError.failure(
                sawElement: state.sawElement, prologHasDoctype: XMLPrologue.hasDoctype(bytes),
                maxDepth: options.maxDepth, fallbackLine: Int(context.pointee.input?.pointee.line ?? 0))
        }
    }

    /// Whether a document can reuse a context that parsed another one: plain UTF-8 only (see
    /// ``prepareContext(for:)``); any other document is parsed with a fresh context, so it reads all the same.
    public static func isReusable(for bytes: [UInt8]) -> Bool { XMLPrologue.isPlainUTF8(bytes) }

    /// A context ready for a new document: the kept one reset when the document allows it (UTF-8 without a
    /// byte-order mark: a reset context keeps the previous document's encoding state), else a fresh one.
    private func prepareContext(for bytes: [UInt8]) throws(XMLError) -> UnsafeMutablePointer<xmlParserCtxt> {
        documentsParsed += 1
        if let context, documentsParsed <= Self.documentsPerContext, Self.isReusable(for: bytes),
            xmlCtxtResetPush(context, nil, 0, nil, nil) == 0
        {
            xmlCtxtUseOptions(context, Self.parseOptions)
            return context
        }
        if let context { xmlFreeParserCtxt(context) }
        context = nil
        // libxml2 copies the handler table into the context.
        var handlers = Self.makeHandlers()
        guard let fresh = xmlCreatePushParserCtxt(&handlers, nil, nil, 0, nil) else {
            throw .malformed(message: "libxml2 could not create a parser", line: 0)
        }
        xmlCtxtUseOptions(fresh, Self.parseOptions)
        context = fresh
        documentsParsed = 1
        return fresh
    }

    /// The callbacks: a SAX2 handler with element, text and DTD events, and nothing that builds a tree.
    private static func makeHandlers() -> xmlSAXHandler {
        var handlers = xmlSAXHandler()
        handlers.initialized = XML_SAX2_MAGIC
        handlers.startElementNs = { userData, localName, prefix, uri, _, _, attributeCount, _, attributes in
            guard let localName else { return }
            ParseState.with(userData) { state in
                state.startElement(
                    localName: state.name(localName, prefix: prefix, uri: uri), uri: uri,
                    attributeCount: Int(attributeCount), attributes: UnsafePointer(attributes))
            }
        }
        handlers.endElementNs = { userData, localName, prefix, uri in
            guard let localName else { return }
            ParseState.with(userData) { state in
                state.endElement(localName: state.name(localName, prefix: prefix, uri: uri), uri: uri)
            }
        }
        handlers.characters = { userData, text, length in
            guard let text else { return }
            ParseState.with(userData) { state in state.characters(text, count: Int(length)) }
        }
        handlers.cdataBlock = handlers.characters
        handlers.internalSubset = { userData, _, _, _ in
            ParseState.from(userData)?.doctype()
        }
        // Declarations can only come from an internal subset, which `internalSubset` already refused; an entity
        // reference libxml2 cannot resolve itself (anything but the five predefined ones) is refused too.
        handlers.entityDecl = { userData, _, _, _, _, _ in ParseState.from(userData)?.refuseDTD() }
        handlers.elementDecl = { userData, _, _, _ in ParseState.from(userData)?.refuseDTD() }
        handlers.attributeDecl = { userData, _, _, _, _, _, _ in ParseState.from(userData)?.refuseDTD() }
        handlers.notationDecl = { userData, _, _, _ in ParseState.from(userData)?.refuseDTD() }
        handlers.unparsedEntityDecl = { userData, _, _, _, _ in ParseState.from(userData)?.refuseDTD() }
        handlers.reference = { userData, _ in ParseState.from(userData)?.refuseDTD() }
        handlers.serror = { userData, error in
            guard let state = ParseState.from(userData), let error else { return }
            state.firstError.record(error)
        }
        return handlers
    }
}

/// What one parse has seen so far; libxml2's callbacks reach it through the context's `userData`.
private final class ParseState {
    /// Not retained: ``XMLSAXParser/parse(_:options:handler:)`` holds the handler for the whole parse (and
    /// ``end()`` clears this before it returns); a retain and release per element was measurable.
    unowned(unsafe) var handler: (any XMLContentHandler)?
    var options = XMLReaderOptions.default
    var context: UnsafeMutablePointer<xmlParserCtxt>?
    var depth = -1
    var sawElement = false
    /// Depth of the element being skipped: nothing at or below it is reported.
    var skippedDepth: Int?
    /// Depth and tag of the element whose text is being gathered into `text`.
    var collecting: (depth: Int, tag: Int)?
    var text: [UInt8] = []
    var stoppedByHandler = false
    var refusal: XMLError?
    let firstError = XMLFirstError()

    static func from(_ userData: UnsafeMutableRawPointer?) -> ParseState? {
        guard let userData else { return nil }
        return Unmanaged<ParseState>.fromOpaque(userData).takeUnretainedValue()
    }

    /// Runs `body` on the state behind `userData` without retaining and releasing it (the parser holds it for
    /// the whole parse): the element and text callbacks run for every node of every part.
    @inline(__always)
    static func with(_ userData: UnsafeMutableRawPointer?, _ body: (ParseState) -> Void) {
        guard let userData else { return }
        Unmanaged<ParseState>.fromOpaque(userData)._withUnsafeGuaranteedRef(body)
    }

    func begin(handler: any XMLContentHandler, options: XMLReaderOptions, context: UnsafeMutablePointer<xmlParserCtxt>)
    {
        self.handler = handler
        self.options = options
        self.context = context
        depth = -1
        sawElement = false
        skippedDepth = nil
        collecting = nil
        text.removeAll(keepingCapacity: text.capacity <= 64 << 10)
        stoppedByHandler = false
        refusal = nil
        firstError.reset()
    }

    func end() {
        handler = nil
        context = nil
    }

    private var line: Int { Int(context?.pointee.input?.pointee.line ?? 0) }

    /// The name to report: a prefix that no declaration binds (libxml2 reports the error and goes on) stays
    /// part of the name, in no namespace, as libxml2's own tree builder and xmlReader have it, so that
    /// `undeclared:generator` is never taken for a `generator`.
    func name(
        _ localName: UnsafePointer<UInt8>, prefix: UnsafePointer<UInt8>?, uri: UnsafePointer<UInt8>?
    ) -> UnsafePointer<UInt8> {
        guard let prefix, uri == nil, let context, let dictionary = context.pointee.dict else { return localName }
        return xmlDictQLookup(dictionary, prefix, localName) ?? localName
    }

    /// The attributes as libxml2 passes them, with unbound prefixes kept in their names (see ``name``).
    private var attributeScratch: [UnsafePointer<UInt8>?] = []

    private func halt() {
        if let context { xmlStopParser(context) }
    }

    func startElement(
        localName: UnsafePointer<UInt8>, uri: UnsafePointer<UInt8>?, attributeCount: Int,
        attributes: UnsafePointer<UnsafePointer<UInt8>?>?
    ) {
        guard refusal == nil, !stoppedByHandler else { return }
        depth += 1
        sawElement = true
        if depth > options.maxDepth {
            refusal = .tooDeep(depth: options.maxDepth, line: line)
            halt()
            return
        }
        if skippedDepth != nil || collecting != nil { return }
        guard let handler else { return }
        let name = XMLNameView(
            depth: depth, qualifiedName: XMLQualifiedName(localNameBytes: localName, namespaceBytes: uri))
        let decision: XMLElementDecision
        if let attributes,
            (0..<attributeCount).contains(where: { attributes[$0 * 5 + 1] != nil && attributes[$0 * 5 + 2] == nil })
        {
            // Rare: an attribute with an unbound prefix. Its name is reported with the prefix, from a copy.
            attributeScratch = Array(UnsafeBufferPointer(start: attributes, count: attributeCount * 5))
            for index in 0..<attributeCount {
                if let attributeName = attributeScratch[index * 5] {
                    attributeScratch[index * 5] = self.name(
                        attributeName, prefix: attributeScratch[index * 5 + 1], uri: attributeScratch[index * 5 + 2])
                }
            }
            decision = attributeScratch.withUnsafeBufferPointer { fields in
                handler.startElement(
                    XMLElementView(name: name, attributeCount: attributeCount, attributeFields: fields.baseAddress))
            }
        } else {
            decision = handler.startElement(
                XMLElementView(name: name, attributeCount: attributeCount, attributeFields: attributes))
        }
        switch decision {
        case .enter: break
        case .skip: skippedDepth = depth
        case .collectText(let tag):
            collecting = (depth, tag)
            text.removeAll(keepingCapacity: true)
        case .stop:
            stoppedByHandler = true
            halt()
        }
    }

    func endElement(localName: UnsafePointer<UInt8>, uri: UnsafePointer<UInt8>?) {
        guard refusal == nil, !stoppedByHandler else { return }
        defer { depth -= 1 }
        if let skipped = skippedDepth {
            if skipped == depth { skippedDepth = nil }
            return
        }
        if let collecting {
            guard collecting.depth == depth else { return }
            self.collecting = nil
            handler?.collectedText(String(decoding: text, as: UTF8.self), tag: collecting.tag)
            return
        }
        guard let handler else { return }
        let name = XMLNameView(
            depth: depth, qualifiedName: XMLQualifiedName(localNameBytes: localName, namespaceBytes: uri))
        if !handler.endElement(name) {
            stoppedByHandler = true
            halt()
        }
    }

    func characters(_ bytes: UnsafePointer<UInt8>, count: Int) {
        guard collecting != nil, skippedDepth == nil, refusal == nil else { return }
        text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    /// A DOCTYPE: refused unless external DTDs may be named and this one declares nothing itself (libxml2
    /// calls this before the internal subset, so the next byte tells whether one follows).
    func doctype() {
        guard options.allowsExternalDoctype, let next = context?.pointee.input?.pointee.cur, next.pointee != 0x5B
        else {
            refuseDTD()
            return
        }
    }

    func refuseDTD() {
        guard refusal == nil else { return }
        refusal = .forbiddenDTD(line: line)
        halt()
    }

}
