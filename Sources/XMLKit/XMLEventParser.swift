import CLibXML2

/// Receives every element, attribute and character run of a document from ``XMLEventParser``, in document order.
/// The views point into libxml2's buffers: they are valid only during the call.
public protocol XMLEventHandler: AnyObject {
    func startElement(_ element: XMLElementEvent)
    /// Character data (text, entities and character references decoded), perhaps in several pieces;
    /// `end` is where this piece ends.
    func characters(_ text: UnsafeBufferPointer<UInt8>, end: XMLPosition)
    /// The element last started ends (`end` is just after its end tag).
    func endElement(at end: XMLPosition)
    /// Asked at each element start: `true` ends the parse now (a time limit).
    var shouldStop: Bool { get }
}

/// An element start during a callback: its name, where it is, the namespaces it declares and its attributes.
public struct XMLElementEvent {
    public let name: XMLQualifiedName
    /// Just after the start tag, as ``XMLTreeElement/position`` (the line is the one ``XMLTree`` records).
    public let position: XMLPosition
    public var line: Int { position.line }
    let namespaceCount: Int
    let namespaceFields: UnsafePointer<UnsafePointer<UInt8>?>?
    public let attributes: XMLAttributeList

    /// The namespaces the element declares (`xmlns:p="…"`; the default namespace has the prefix "").
    public var namespaceDeclarations: [(prefix: String, uri: String)] {
        guard let namespaceFields, namespaceCount > 0 else { return [] }
        return (0..<namespaceCount).map { index in
            (
                namespaceFields[index * 2].map { String(cString: $0) } ?? "",
                namespaceFields[index * 2 + 1].map { String(cString: $0) } ?? ""
            )
        }
    }
}

extension XMLQualifiedName {
    /// Where libxml2 keeps the local name and the namespace URI: both come from the parser's name dictionary, so
    /// while one ``XMLEventParser/dictionaryGeneration`` lasts, equal addresses are equal names (a cache key).
    public var addresses: (localName: UInt, namespace: UInt) {
        (UInt(bitPattern: localNameBytes), UInt(bitPattern: namespaceBytes))
    }

    public var localName: String { String(cString: localNameBytes) }
    /// The namespace URI, empty when none.
    public var namespaceURI: String { namespaceBytes.map { String(cString: $0) } ?? "" }
}

/// A SAX2 parser that reports everything ``XMLTree/walk(_:)`` would, without building a tree, for checking a
/// document while it is parsed. It only takes documents it reads exactly as ``XMLTree`` does: plain UTF-8 (no
/// byte-order mark, no other encoding), no DOCTYPE, no entity reference, no CDATA section, no message of any kind from libxml2
/// (not even a namespace warning). Anything else is ``Outcome/unusual``: the caller parses the document into an
/// ``XMLTree`` instead, which says what is wrong with it exactly as before.
///
/// One parser serves many documents (its libxml2 context and name dictionary are reused); not thread-safe.
public final class XMLEventParser {
    public enum Outcome: Sendable, Equatable {
        /// Parsed to the end, well-formed: every event was reported.
        case complete
        /// The handler stopped the parse (``XMLEventHandler/shouldStop``): whether the rest is well-formed is
        /// not known.
        case stopped
        /// Not a document this parser reads as ``XMLTree`` does (see above), or not well-formed.
        case unusual
    }

    private var context: UnsafeMutablePointer<xmlParserCtxt>?
    private let state = EventState()
    private var documentsParsed = 0
    /// Changes whenever the name dictionary is replaced (see ``XMLQualifiedName/addresses``).
    public private(set) var dictionaryGeneration = 0

    /// Nesting past this depth is left to the tree: libxml2's push parser does not enforce the depth limit (256)
    /// that ``XMLTree``'s parse refuses such a document with.
    static let maxDepth = 200
    /// Larger documents are left to the tree: building it refuses a text node over 10 MB, which this parser would
    /// not notice.
    static let maxBytes = 8 << 20

    /// Documents parsed by one libxml2 context before it is replaced (its name dictionary keeps every name seen).
    static let documentsPerContext = XMLSAXParser.documentsPerContext

    // As XMLTree's options, less those that only shape a tree (BIG_LINES: the line is read from the input): the
    // SAX parser's.
    private static let parseOptions = XMLSAXParser.parseOptions

    public init() {}

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    public func parse(_ bytes: [UInt8], handler: any XMLEventHandler) -> Outcome {
        guard bytes.count <= Self.maxBytes, XMLPrologue.isPlainUTF8(bytes), !XMLPrologue.hasDoctype(bytes) else {
            return .unusual
        }
        precondition(libxml2Initialised)
        guard let context = prepareContext() else { return .unusual }
        state.begin(handler: handler, context: context)
        defer { state.end() }
        context.pointee.userData = Unmanaged.passUnretained(state).toOpaque()
        bytes.withUnsafeBytes { raw in
            _ = xmlParseChunk(context, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), 1)
        }
        if state.stopped || state.unusual || context.pointee.wellFormed == 0 || !state.sawElement || state.depth != -1 {
            // A context that was stopped or saw an error is not reused.
            xmlFreeParserCtxt(context)
            self.context = nil
            return state.stopped ? .stopped : .unusual
        }
        return .complete
    }

    private func prepareContext() -> UnsafeMutablePointer<xmlParserCtxt>? {
        documentsParsed += 1
        if let context, documentsParsed <= Self.documentsPerContext, xmlCtxtResetPush(context, nil, 0, nil, nil) == 0 {
            xmlCtxtUseOptions(context, Self.parseOptions)
            return context
        }
        if let context { xmlFreeParserCtxt(context) }
        context = nil
        var handlers = Self.makeHandlers()
        guard let fresh = xmlCreatePushParserCtxt(&handlers, nil, nil, 0, nil) else { return nil }
        xmlCtxtUseOptions(fresh, Self.parseOptions)
        context = fresh
        documentsParsed = 1
        dictionaryGeneration += 1
        return fresh
    }

    private static func makeHandlers() -> xmlSAXHandler {
        var handlers = xmlSAXHandler()
        handlers.initialized = XML_SAX2_MAGIC
        handlers.startElementNs = {
            userData, localName, prefix, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            guard let state = EventState.from(userData), let localName else { return }
            // An unbound prefix (libxml2 goes on, naming the element "p:name"): the tree builder's names are not
            // worth copying here; the tree reads such a document.
            if prefix != nil && uri == nil { return state.markUnusual() }
            state.startElement(
                localName, uri, namespaceCount: Int(namespaceCount), namespaces: UnsafePointer(namespaces),
                attributeCount: Int(attributeCount), attributes: UnsafePointer(attributes))
        }
        handlers.endElementNs = { userData, _, _, _ in EventState.from(userData)?.endElement() }
        handlers.characters = { userData, text, length in
            guard let state = EventState.from(userData), let text else { return }
            state.characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        // libxml2's push parser reports a CDATA section from its start, the tree builder from its end: left to the
        // tree, so that its place is the same either way (ODF writers do not use CDATA).
        handlers.cdataBlock = { userData, _, _ in EventState.from(userData)?.markUnusual() }
        handlers.ignorableWhitespace = handlers.characters
        handlers.internalSubset = { userData, _, _, _ in EventState.from(userData)?.markUnusual() }
        handlers.reference = { userData, _ in EventState.from(userData)?.markUnusual() }
        handlers.serror = { userData, _ in EventState.from(userData)?.markUnusual() }
        return handlers
    }
}

/// One parse's state; libxml2's callbacks reach it through the context's `userData`.
private final class EventState {
    var handler: (any XMLEventHandler)?
    var context: UnsafeMutablePointer<xmlParserCtxt>?
    var depth = -1
    var sawElement = false
    var stopped = false
    var unusual = false

    static func from(_ userData: UnsafeMutableRawPointer?) -> EventState? {
        guard let userData else { return nil }
        return Unmanaged<EventState>.fromOpaque(userData).takeUnretainedValue()
    }

    func begin(handler: any XMLEventHandler, context: UnsafeMutablePointer<xmlParserCtxt>) {
        self.handler = handler
        self.context = context
        depth = -1
        sawElement = false
        stopped = false
        unusual = false
    }

    func end() {
        handler = nil
        context = nil
    }

    func markUnusual() {
        guard !unusual else { return }
        unusual = true
        if let context { xmlStopParser(context) }
    }

    func startElement(
        _ localName: UnsafePointer<UInt8>, _ uri: UnsafePointer<UInt8>?, namespaceCount: Int,
        namespaces: UnsafePointer<UnsafePointer<UInt8>?>?, attributeCount: Int,
        attributes: UnsafePointer<UnsafePointer<UInt8>?>?
    ) {
        guard !unusual, !stopped, let handler, let context else { return }
        if let attributes,
            (0..<attributeCount).contains(where: { attributes[$0 * 5 + 1] != nil && attributes[$0 * 5 + 2] == nil })
        {
            return markUnusual()  // an attribute with an unbound prefix, as for elements
        }
        if handler.shouldStop {
            stopped = true
            xmlStopParser(context)
            return
        }
        depth += 1
        sawElement = true
        if depth > XMLEventParser.maxDepth { return markUnusual() }
        handler.startElement(
            XMLElementEvent(
                name: XMLQualifiedName(localNameBytes: localName, namespaceBytes: uri),
                position: XMLPosition.afterStartTag(context),
                namespaceCount: namespaceCount, namespaceFields: namespaces,
                attributes: XMLAttributeList(count: attributes == nil ? 0 : attributeCount, fields: attributes)))
    }

    func endElement() {
        guard !unusual, !stopped, let context else { return }
        depth -= 1
        handler?.endElement(at: XMLPosition.current(context))
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard !unusual, !stopped, depth >= 0, let context else { return }
        handler?.characters(text, end: XMLPosition.current(context))
    }
}
