import CLibXML2

/// A whole XML document parsed into libxml2's tree, for schema validation (``RelaxNGSchema``).
///
/// Parsed with the hardened settings of the rest of XMLKit: no network, no DTD loading, no entity
/// substitution, libxml2's default depth and size caps; a document that declares entities in a DOCTYPE is
/// refused outright (XXE, "billion laughs"). Not thread-safe: one tree per thread; the tree never leaves
/// XMLKit as a C pointer.
public final class XMLTree {
    let document: xmlDocPtr
    /// The bytes parsed, while the tree still says exactly what they say (dropped by the first change).
    private(set) var unchangedSource: [UInt8]?
    /// Where each element's start and end tags and each text node end in the source (``XMLPositionRecorder``).
    let positions: XMLPositionRecorder

    // NONET: never fetch. NOERROR/NOWARNING: errors go to the per-parse context, not stderr. BIG_LINES: true
    // line numbers past 65,535. COMPACT: smaller text nodes. Deliberately absent: NOENT, DTDLOAD, DTDATTR, HUGE.
    private static let parseOptions = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue)

    /// Parses `bytes` (calls `xmlCtxtReadMemory` on a fresh parser context).
    public init(bytes: [UInt8]) throws(XMLError) {
        precondition(libxml2Initialised)
        guard bytes.count < Int(Int32.max) else { throw .inputTooLarge(bytes: bytes.count) }
        guard let context = xmlNewParserCtxt() else {
            throw .malformed(message: "libxml2 could not create a parser", line: 0)
        }
        defer { xmlFreeParserCtxt(context) }
        let positions = XMLPositionRecorder()
        positions.install(on: context)
        // NOERROR does not silence libxml2 2.9's parse-time validity messages (xml:id values that are no NCName
        // are printed to stderr through the context's validity channel); a structured handler on the context
        // takes them all. The last error is recorded on the context either way (read by `failure`).
        context.pointee.sax?.pointee.serror = { _, _ in }
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlCtxtReadMemory(context, $0, Int32(buffer.count), nil, nil, Self.parseOptions)
                }
            }
        }
        guard let parsed, context.pointee.wellFormed != 0 else {
            if let parsed { xmlFreeDoc(parsed) }
            throw Self.failure(context: context, bytes: bytes)
        }
        if let subset = parsed.pointee.intSubset, Self.declaresEntities(subset) {
            let line = Int(xmlGetLineNo(UnsafeMutableRawPointer(subset).assumingMemoryBound(to: xmlNode.self)))
            xmlFreeDoc(parsed)
            throw .forbiddenDTD(line: max(line, 1))
        }
        document = parsed
        unchangedSource = bytes
        self.positions = positions
    }

    /// Called by every change to the tree: the source bytes no longer describe it.
    func noteChanged() { unchangedSource = nil }

    /// The document as bytes: the source when unchanged, else libxml2's serialisation (`xmlDocDumpMemory`).
    func currentBytes() -> [UInt8] {
        if let unchangedSource { return unchangedSource }
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemory(document, &buffer, &size)
        guard let buffer else { return [] }
        defer { overblik_xml_free(buffer) }
        return [UInt8](UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// Where the `ordinal`-th element in document order (1-based) has its start tag, if there is one.
    func position(ofElementNumber ordinal: Int) -> XMLPosition? {
        guard ordinal > 0, var node = xmlDocGetRootElement(document) else { return nil }
        var count = 0
        while true {
            if node.pointee.type == XML_ELEMENT_NODE {
                count += 1
                if count == ordinal { return positions.position(of: node) }
                if let child = node.pointee.children {
                    node = child
                    continue
                }
            }
            while node.pointee.next == nil {
                guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
                node = parent
            }
            node = node.pointee.next!
        }
    }

    private static func failure(context: xmlParserCtxtPtr, bytes: [UInt8]) -> XMLError {
        guard let error = xmlCtxtGetLastError(UnsafeMutableRawPointer(context)) else {
            return failure(message: nil, line: 0, bytes: bytes)
        }
        let text = error.pointee.message.map { String(cString: $0) } ?? "parse error"
        return failure(message: text, line: Int(error.pointee.line), column: Int(error.pointee.int2), bytes: bytes)
    }

    /// Why `bytes` are refused, from libxml2's last error (`nil` when there was none): also used for a part the
    /// RELAX NG worker parsed in this tree's place (``RelaxNGSchema/validate(bytes:cpuLimit:)``).
    static func failure(message: String?, line: Int, column: Int = 0, bytes: [UInt8]) -> XMLError {
        guard let message else { return .malformed(message: "parse error", line: 0) }
        let text = XMLError.oneLine(message)
        if XMLPrologue.hasDoctype(bytes), text.lowercased().contains("entit") { return .forbiddenDTD(line: line) }
        if text.contains("Excessive depth") { return .tooDeep(depth: 256, line: line) }
        return .malformed(message: text, line: line, column: column)
    }

    /// Whether a DOCTYPE's internal subset declares any entity (the only way a DTD can expand text).
    private static func declaresEntities(_ subset: UnsafeMutablePointer<xmlDtd>) -> Bool {
        var child = subset.pointee.children
        while let node = child {
            if node.pointee.type == XML_ENTITY_DECL { return true }
            child = node.pointee.next
        }
        return false
    }

    /// Foreign elements taken out of the tree (``removeForeignContent(_:)``), freed with it: the children hoisted out
    /// of one may still point at the namespace declarations it holds.
    var removedElements: [xmlNodePtr] = []

    deinit {
        for element in removedElements { xmlFreeNode(element) }
        xmlFreeDoc(document)
    }

    /// Whether the document carries a DOCTYPE (without entity declarations; those are refused at parse).
    public var hasDoctype: Bool { document.pointee.intSubset != nil }

    /// The root element's local name and namespace URI (empty when it has none).
    public var rootName: (localName: String, namespaceURI: String)? {
        guard let root = xmlDocGetRootElement(document) else { return nil }
        return (
            String(cString: root.pointee.name),
            root.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) } ?? ""
        )
    }

    /// The value of the root element's attribute `localName` in `namespaceURI` (calls `xmlGetNsProp`).
    public func rootAttribute(_ localName: String, namespace namespaceURI: String) -> String? {
        guard let root = xmlDocGetRootElement(document), let value = xmlGetNsProp(root, localName, namespaceURI)
        else { return nil }
        defer { overblik_xml_free(value) }
        return String(cString: value)
    }

    /// Line of the root element (1-based).
    public var rootLine: Int {
        guard let root = xmlDocGetRootElement(document) else { return 1 }
        return Int(xmlGetLineNo(root))
    }

    /// Just after the root element's start tag.
    public var rootPosition: XMLPosition {
        guard let root = xmlDocGetRootElement(document) else { return XMLPosition(line: 1, column: 0) }
        return positions.position(of: root)
    }
}
