import CLibXML2

/// An attribute as ``XMLTreeVisitor`` sees it. Namespace declarations are not attributes.
public struct XMLTreeAttribute: Sendable, Hashable {
    public var localName: String
    /// Empty when the attribute is in no namespace.
    public var namespaceURI: String
    public var value: String
}

/// An element start as ``XMLTreeVisitor`` sees it.
public struct XMLTreeElement: Sendable {
    public var localName: String
    /// Empty when the element is in no namespace.
    public var namespaceURI: String
    public var attributes: [XMLTreeAttribute]
    /// The namespaces this element declares (`xmlns:p="…"`; the default namespace has the prefix "").
    public var namespaceDeclarations: [(prefix: String, uri: String)]
    /// Just after the start tag (its line is the one libxml2 gives the element).
    public var position: XMLPosition
    /// 1-based source line.
    public var line: Int { position.line }
}

/// Receives a tree's content in document order from ``XMLTree/walk(_:)``.
public protocol XMLTreeVisitor: AnyObject {
    /// An element starts. Return `false` to skip its content (its end is still reported).
    func startElement(_ element: XMLTreeElement) -> Bool
    /// Character data (text and CDATA; comments and processing instructions are not reported), ending at `end`.
    /// Adjacent pieces may come in several calls.
    func text(_ text: String, end: XMLPosition)
    /// The element last started ends (`end` is just after its end tag).
    func endElement(at end: XMLPosition)
    /// Asked between nodes: `true` ends the walk early (a time limit).
    var shouldStop: Bool { get }
}

extension XMLTree {
    /// Walks the tree in document order without recursion (a deep document cannot exhaust the stack).
    /// Returns `false` when the visitor stopped the walk.
    @discardableResult
    public func walk(_ visitor: some XMLTreeVisitor) -> Bool {
        guard var node = xmlDocGetRootElement(document) else { return true }
        while true {
            if visitor.shouldStop { return false }
            var descend = false
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                descend = visitor.startElement(elementStart(node))
                if !descend || node.pointee.children == nil { visitor.endElement(at: positions.endPosition(of: node)) }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    visitor.text(String(cString: content), end: positions.position(of: node))
                }
            default: break
            }
            if descend, let child = node.pointee.children {
                node = child
                continue
            }
            // Climb to the next sibling, ending each element left behind.
            while node.pointee.next == nil {
                guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return true }
                node = parent
                visitor.endElement(at: positions.endPosition(of: node))
            }
            node = node.pointee.next!
        }
    }

    private func elementStart(_ node: xmlNodePtr) -> XMLTreeElement {
        var attributes: [XMLTreeAttribute] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            var value = ""
            if let raw = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)) {
                value = String(cString: raw)
                overblik_xml_free(raw)
            }
            attributes.append(
                XMLTreeAttribute(
                    localName: String(cString: current.pointee.name),
                    namespaceURI: Self.namespaceURI(of: current.pointee.ns),
                    value: value))
        }
        var declarations: [(prefix: String, uri: String)] = []
        var declaration = node.pointee.nsDef
        while let current = declaration {
            declaration = current.pointee.next
            declarations.append(
                (
                    current.pointee.prefix.map { String(cString: $0) } ?? "",
                    current.pointee.href.map { String(cString: $0) } ?? ""
                ))
        }
        return XMLTreeElement(
            localName: String(cString: node.pointee.name), namespaceURI: Self.namespaceURI(of: node.pointee.ns),
            attributes: attributes, namespaceDeclarations: declarations, position: positions.position(of: node))
    }
}
