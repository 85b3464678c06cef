import XMLKit

/// ``XMLTree/removeForeignContent(_:)`` done on ``XMLEventParser``'s events, for ``StreamedValidation``: a foreign
/// element is not reported, and its content is reported in its place (what the tree hoists into the parent) or
/// not at all (what the tree drops with it), as the rule says; a foreign attribute of a reported element is left
/// out. A document whose root element is foreign is left to the tree (``rootIsForeign``).
final class ForeignContentFilter {
    private enum Entry {
        /// An element of the vocabulary: reported. `paragraph`: it or an ancestor is a paragraph element.
        case own(paragraph: Bool)
        /// A foreign element whose content is kept (the paragraph state of its parent goes on).
        case kept(paragraph: Bool)
        /// A foreign element whose content goes with it, or anything inside one.
        case dropped
    }

    private let rule: XMLForeignContentRule
    private let engine: DerivativeEngine
    private let processContent: QualifiedName
    private var open: [Entry] = []
    /// By the engine's name number: 0 while not worked out, else 1, plus 2 for a foreign name and 4 for a
    /// paragraph element (so that no `String` is hashed per element).
    private var kinds: [UInt8] = []
    private(set) var rootIsForeign = false

    init(rule: XMLForeignContentRule, engine: DerivativeEngine) {
        self.rule = rule
        self.engine = engine
        processContent = QualifiedName(
            namespaceURI: rule.processContentAttribute.namespace, localName: rule.processContentAttribute.localName)
    }

    private func kind(_ name: Int32) -> UInt8 {
        let index = Int(name)
        if index < kinds.count, kinds[index] != 0 { return kinds[index] }
        if index >= kinds.count { kinds.append(contentsOf: repeatElement(0, count: index + 1 - kinds.count)) }
        let qualified = engine.names[index]
        var kind: UInt8 = 1
        if !rule.ownNamespaces.contains(qualified.namespaceURI) { kind |= 2 }
        if rule.paragraphElements.contains("\(qualified.namespaceURI) \(qualified.localName)") { kind |= 4 }
        kinds[index] = kind
        return kind
    }

    /// Whether the element or attribute named `name` (the engine's number) is foreign.
    func isForeign(_ name: Int32) -> Bool { kind(name) & 2 != 0 }

    /// An element starts: whether it is reported (an element of the vocabulary, not inside a dropped one).
    func enter(_ element: XMLElementEvent) -> Bool {
        let insideParagraph: Bool
        switch open.last {
        case .dropped?:
            open.append(.dropped)
            return false
        case .own(let paragraph)?, .kept(let paragraph)?: insideParagraph = paragraph
        case nil: insideParagraph = false
        }
        let kind = kind(engine.number(streamed: element.name))
        guard kind & 2 != 0 else {
            open.append(.own(paragraph: insideParagraph || kind & 4 != 0))
            return true
        }
        if open.isEmpty { rootIsForeign = true }
        let said = element.attributes.first { attribute in
            let name = engine.number(streamed: attribute.qualifiedName)  // before `names` is read: it may add one
            return engine.names[Int(name)] == processContent
        }
        open.append(rule.keepsContent(said?.value, insideParagraph) ? .kept(paragraph: insideParagraph) : .dropped)
        return false
    }

    /// The element last started ends: whether its end is reported.
    func leave() -> Bool {
        if case .own = open.removeLast() { return true }
        return false
    }

    /// Whether character data here is reported (it is not inside a dropped element).
    var keepsText: Bool {
        if case .dropped? = open.last { return false }
        return true
    }
}
