import CLibXML2

/// Which elements and attributes of a vocabulary are "foreign", and what happens to a foreign element's
/// content when it is removed. ODF's rule (Part 3, "Foreign elements and attributes") is built from this in
/// ODFValidation; XMLKit only applies it to a tree.
public struct XMLForeignContentRule: Sendable {
    /// Namespace URIs the vocabulary owns; everything else (including no namespace) is foreign.
    public var ownNamespaces: Set<String>
    /// Elements (`namespace local-name`) inside which foreign elements keep their content by default.
    public var paragraphElements: Set<String>
    /// The attribute (`namespace`, `local-name`) a foreign element uses to say whether its content counts.
    public var processContentAttribute: (namespace: String, localName: String)
    /// Whether a foreign element's content is kept (hoisted into its parent) rather than dropped, given its
    /// process-content attribute (if any) and whether it sits inside a paragraph element.
    public var keepsContent: @Sendable (_ processContent: String?, _ insideParagraph: Bool) -> Bool

    public init(
        ownNamespaces: Set<String>, paragraphElements: Set<String>,
        processContentAttribute: (namespace: String, localName: String),
        keepsContent: @escaping @Sendable (_ processContent: String?, _ insideParagraph: Bool) -> Bool
    ) {
        self.ownNamespaces = ownNamespaces
        self.paragraphElements = paragraphElements
        self.processContentAttribute = processContentAttribute
        self.keepsContent = keepsContent
    }
}

/// What ``XMLTree/removeForeignContent(_:)`` took out.
public struct XMLForeignContentRemoval: Sendable, Equatable {
    /// Foreign elements removed (their content hoisted or dropped).
    public var elements = 0
    /// Foreign attributes removed from kept elements.
    public var attributes = 0
    /// Namespace URIs of what was removed, sorted.
    public var namespaces: [String] = []

    public init() {}
}

extension XMLTree {
    /// Removes foreign elements and attributes in place, as `rule` says: a foreign element whose content is kept
    /// is replaced by its children; otherwise it goes with everything inside it.
    @discardableResult
    public func removeForeignContent(_ rule: XMLForeignContentRule) -> XMLForeignContentRemoval {
        var removal = XMLForeignContentRemoval()
        var namespaces = Set<String>()
        guard let root = xmlDocGetRootElement(document) else { return removal }
        // Explicit stack (node, inside-paragraph) instead of recursion: depth is bounded by libxml2 but stays cheap.
        var stack: [(xmlNodePtr, Bool)] = [(root, false)]
        while let (element, insideParagraph) = stack.popLast() {
            let namespace = Self.namespaceURI(of: element.pointee.ns)
            if !rule.ownNamespaces.contains(namespace) {
                namespaces.insert(namespace)
                removal.elements += 1
                let processContent = Self.attribute(element, rule.processContentAttribute)
                let keep = rule.keepsContent(processContent, insideParagraph)
                var child = keep ? element.pointee.children : nil
                while let node = child {
                    child = node.pointee.next
                    xmlUnlinkNode(node)
                    if node.pointee.type == XML_TEXT_NODE, let before = element.pointee.prev,
                        before.pointee.type == XML_TEXT_NODE
                    {
                        positions.merge(node, into: before)  // libxml2 joins the two texts
                    }
                    xmlAddPrevSibling(element, node)
                    if node.pointee.type == XML_ELEMENT_NODE { stack.append((node, insideParagraph)) }
                }
                xmlUnlinkNode(element)
                // Not freed yet: a hoisted child may use a namespace it declares (freeing it here left that child
                // pointing at freed memory).
                removedElements.append(element)
                continue
            }
            removal.attributes += Self.removeForeignAttributes(element, rule: rule, namespaces: &namespaces)
            let local = String(cString: element.pointee.name)
            let paragraph = insideParagraph || rule.paragraphElements.contains("\(namespace) \(local)")
            var child = element.pointee.children
            while let node = child {
                if node.pointee.type == XML_ELEMENT_NODE { stack.append((node, paragraph)) }
                child = node.pointee.next
            }
        }
        removal.namespaces = namespaces.sorted()
        if removal.elements + removal.attributes > 0 { noteChanged() }
        return removal
    }

    private static func removeForeignAttributes(
        _ element: xmlNodePtr, rule: XMLForeignContentRule, namespaces: inout Set<String>
    ) -> Int {
        var removed = 0
        var attribute = element.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            let namespace = namespaceURI(of: current.pointee.ns)
            guard !rule.ownNamespaces.contains(namespace) else { continue }
            namespaces.insert(namespace)
            xmlRemoveProp(current)
            removed += 1
        }
        return removed
    }

    static func namespaceURI(of namespace: xmlNsPtr?) -> String {
        namespace.flatMap { $0.pointee.href }.map { String(cString: $0) } ?? ""
    }

    private static func attribute(_ element: xmlNodePtr, _ name: (namespace: String, localName: String)) -> String? {
        guard let value = xmlGetNsProp(element, name.localName, name.namespace) else { return nil }
        defer { overblik_xml_free(value) }
        return String(cString: value)
    }
}
