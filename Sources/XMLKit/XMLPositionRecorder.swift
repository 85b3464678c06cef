import CLibXML2

/// Records, while libxml2 builds a tree, where each element's start and end tags end and where each text node's
/// first piece with other than whitespace ends: libxml2's nodes keep a line but no column, and nothing of an end tag.
/// The positions go in an array, and each node's `psvi` field (left alone by libxml2 unless XML Schema validation
/// runs) holds its index plus one.
///
/// A text node is libxml2's pieces of character data joined (a character reference is a piece of its own); Jing
/// reports text where it meets the first piece that is not whitespace, and ``XMLEventParser`` hands over the same
/// pieces, so that is the text's position here.
final class XMLPositionRecorder {
    /// 8 bytes a position: a tree is parsed whole, so this grows with it (an element takes two).
    private struct Stored {
        var line: UInt32
        var column: UInt32
        /// A text node's position is final once a piece other than whitespace has been seen (top bit of `line`).
        var isFinal: Bool { line & 0x8000_0000 != 0 }
    }

    private var stored: [Stored] = []

    /// Wraps the context's SAX2 tree builders so that each node's position is noted as it is made. The context's
    /// `_private` points here during the parse (the context does not outlive the tree's initialiser).
    func install(on context: UnsafeMutablePointer<xmlParserCtxt>) {
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        guard let handlers = context.pointee.sax else { return }
        handlers.pointee.startElementNs = {
            userData, name, prefix, uri, namespaceCount, namespaces, count, defaulted,
            attributes in
            xmlSAX2StartElementNs(userData, name, prefix, uri, namespaceCount, namespaces, count, defaulted, attributes)
            guard let (context, recorder) = XMLPositionRecorder.from(userData), let node = context.pointee.node else {
                return
            }
            recorder.noteElementStart(node, XMLPosition.afterStartTag(context))
        }
        handlers.pointee.endElementNs = { userData, name, prefix, uri in
            if let (context, recorder) = XMLPositionRecorder.from(userData), let node = context.pointee.node {
                recorder.noteElementEnd(node, XMLPosition.current(context))
            }
            xmlSAX2EndElementNs(userData, name, prefix, uri)
        }
        handlers.pointee.characters = { userData, text, length in
            xmlSAX2Characters(userData, text, length)
            XMLPositionRecorder.noteText(userData, UnsafeBufferPointer(start: text, count: Int(length)))
        }
        handlers.pointee.ignorableWhitespace = handlers.pointee.characters
        handlers.pointee.cdataBlock = { userData, text, length in
            xmlSAX2CDataBlock(userData, text, length)
            XMLPositionRecorder.noteText(userData, UnsafeBufferPointer(start: text, count: Int(length)))
        }
    }

    private static func from(
        _ userData: UnsafeMutableRawPointer?
    ) -> (UnsafeMutablePointer<xmlParserCtxt>, XMLPositionRecorder)? {
        guard let context = userData?.assumingMemoryBound(to: xmlParserCtxt.self),
            let recorder = context.pointee._private
        else { return nil }
        return (context, Unmanaged<XMLPositionRecorder>.fromOpaque(recorder).takeUnretainedValue())
    }

    /// Text is added to the current element's last child (a new text node, or appended to the one before).
    private static func noteText(_ userData: UnsafeMutableRawPointer?, _ piece: UnsafeBufferPointer<UInt8>) {
        guard let (context, recorder) = from(userData), let last = context.pointee.node?.pointee.last,
            last.pointee.type == XML_TEXT_NODE || last.pointee.type == XML_CDATA_SECTION_NODE
        else { return }
        recorder.noteText(last, XMLPosition.current(context), final: !XMLPosition.isWhitespace(piece))
    }

    private func noteElementStart(_ node: xmlNodePtr, _ position: XMLPosition) {
        node.pointee.psvi = UnsafeMutableRawPointer(bitPattern: stored.count + 1)
        stored.append(Self.stored(position))
        stored.append(Self.stored(.unknown))  // its end, noted when it comes
    }

    private func noteElementEnd(_ node: xmlNodePtr, _ position: XMLPosition) {
        guard let index = Self.index(node) else { return }
        stored[index + 1] = Self.stored(position)
    }

    private func noteText(_ node: xmlNodePtr, _ position: XMLPosition, final: Bool) {
        var entry = Self.stored(position)
        if final { entry.line |= 0x8000_0000 }
        if let index = Self.index(node) {
            if !stored[index].isFinal { stored[index] = entry }
        } else {
            node.pointee.psvi = UnsafeMutableRawPointer(bitPattern: stored.count + 1)
            stored.append(entry)
        }
    }

    /// Just after an element's start tag (`afterStartTag`), or where a text node's first piece other than
    /// whitespace ends (its last piece when all are whitespace).
    func position(of node: xmlNodePtr) -> XMLPosition {
        guard let index = Self.index(node) else { return XMLPosition(line: Int(xmlGetLineNo(node)), column: 0) }
        return Self.position(stored[index])
    }

    /// Just after an element's end tag (after `/>` for an empty-element tag).
    func endPosition(of element: xmlNodePtr) -> XMLPosition {
        guard let index = Self.index(element) else { return .unknown }
        return Self.position(stored[index + 1])
    }

    /// Text `removed` is merged into the text node `kept` before it (as a piece of it).
    func merge(_ removed: xmlNodePtr, into kept: xmlNodePtr) {
        guard let from = Self.index(removed) else { return }
        noteText(kept, Self.position(stored[from]), final: stored[from].isFinal)
    }

    private static func index(_ node: xmlNodePtr) -> Int? {
        guard let bits = node.pointee.psvi else { return nil }
        return Int(bitPattern: bits) - 1
    }

    private static func stored(_ position: XMLPosition) -> Stored {
        Stored(line: UInt32(clamping: min(position.line, 0x7FFF_FFFF)), column: UInt32(clamping: position.column))
    }

    private static func position(_ stored: Stored) -> XMLPosition {
        XMLPosition(line: Int(stored.line & 0x7FFF_FFFF), column: Int(stored.column))
    }
}
