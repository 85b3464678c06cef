import XMLKit

/// A small mutable copy of a parsed document for the mutation tests: elements, attributes and text, written back
/// with the document's own prefixes (all declared on the root, as ODF writers do).
final class MiniElement {
    var namespaceURI: String
    var localName: String
    var attributes: [XMLTreeAttribute]
    var children: [MiniNode] = []

    init(namespaceURI: String, localName: String, attributes: [XMLTreeAttribute]) {
        self.namespaceURI = namespaceURI
        self.localName = localName
        self.attributes = attributes
    }

    func copy() -> MiniElement {
        let twin = MiniElement(namespaceURI: namespaceURI, localName: localName, attributes: attributes)
        twin.children = children.map {
            if case .element(let child) = $0 { return .element(child.copy()) }
            return $0
        }
        return twin
    }
}

enum MiniNode {
    case element(MiniElement)
    case text(String)
}

struct MiniDocument {
    var root: MiniElement
    /// prefix → URI, from every declaration in the source.
    var declarations: [String: String]

    init(bytes: [UInt8]) throws {
        let tree = try XMLTree(bytes: bytes)
        let builder = Builder()
        tree.walk(builder)
        root = builder.root!
        declarations = builder.declarations
    }

    /// Elements in document order, with their parents (nil for the root).
    func elements() -> [(element: MiniElement, parent: MiniElement?)] {
        var result: [(MiniElement, MiniElement?)] = []
        var stack: [(MiniElement, MiniElement?)] = [(root, nil)]
        while let (element, parent) = stack.popLast() {
            result.append((element, parent))
            for case .element(let child) in element.children.reversed() { stack.append((child, element)) }
        }
        return result
    }

    func serialized() -> String {
        var prefixes: [String: String] = [:]
        for (prefix, uri) in declarations.sorted(by: { $0.key < $1.key }) where !prefix.isEmpty && prefixes[uri] == nil
        {
            prefixes[uri] = prefix
        }
        var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        write(root, prefixes, isRoot: true, into: &output)
        return output
    }

    private func write(_ element: MiniElement, _ prefixes: [String: String], isRoot: Bool, into output: inout String) {
        let name = qualified(element.namespaceURI, element.localName, prefixes, isAttribute: false)
        output += "<\(name)"
        if isRoot {
            for (prefix, uri) in declarations.sorted(by: { $0.key < $1.key }) {
                output += prefix.isEmpty ? " xmlns=\"\(escape(uri))\"" : " xmlns:\(prefix)=\"\(escape(uri))\""
            }
        }
        if !element.namespaceURI.isEmpty && prefixes[element.namespaceURI] == nil {
            output += " xmlns=\"\(escape(element.namespaceURI))\""
        }
        for attribute in element.attributes {
            let attributeName = qualified(attribute.namespaceURI, attribute.localName, prefixes, isAttribute: true)
            output += " \(attributeName)=\"\(escape(attribute.value))\""
        }
        guard !element.children.isEmpty else {
            output += "/>"
            return
        }
        output += ">"
        for child in element.children {
            switch child {
            case .element(let inner): write(inner, prefixes, isRoot: false, into: &output)
            case .text(let text): output += escape(text)
            }
        }
        output += "</\(name)>"
    }

    private func qualified(_ uri: String, _ local: String, _ prefixes: [String: String], isAttribute: Bool) -> String {
        if uri == "http://www.w3.org/XML/1998/namespace" { return "xml:\(local)" }
        guard !uri.isEmpty, let prefix = prefixes[uri] else { return local }
        return "\(prefix):\(local)"
    }

    private func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\r": escaped += "&#13;"
            case "\t": escaped += "&#9;"
            case "\n": escaped += "&#10;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private final class Builder: XMLTreeVisitor {
        var root: MiniElement?
        var stack: [MiniElement] = []
        var declarations: [String: String] = [:]
        var shouldStop: Bool { false }

        func startElement(_ element: XMLTreeElement) -> Bool {
            for declaration in element.namespaceDeclarations where declarations[declaration.prefix] == nil {
                declarations[declaration.prefix] = declaration.uri
            }
            let node = MiniElement(
                namespaceURI: element.namespaceURI, localName: element.localName, attributes: element.attributes)
            if let parent = stack.last { parent.children.append(.element(node)) } else { root = node }
            stack.append(node)
            return true
        }

        func text(_ text: String, end: XMLPosition) {
            guard let parent = stack.last else { return }
            if case .text(let previous) = parent.children.last {
                parent.children[parent.children.count - 1] = .text(previous + text)
            } else {
                parent.children.append(.text(text))
            }
        }

        func endElement(at end: XMLPosition) { stack.removeLast() }
    }
}
