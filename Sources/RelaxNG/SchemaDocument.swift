import Foundation
import XMLKit

/// One element of a schema file, read through XMLKit's hardened libxml2 parser.
final class SchemaElement {
    let localName: String
    let namespaceURI: String
    /// Attributes in no namespace (annotations in other namespaces are ignored, as the spec says).
    let attributes: SchemaAttributes
    /// Namespace bindings in scope, for QNames in `name` and for QName values.
    let namespaces: NamespaceContext
    let line: Int
    /// The child elements in the RELAX NG namespace: foreign elements (annotations) are left out as they are read,
    /// as spec section 4.1 removes them.
    var children: [SchemaElement] = []
    /// The text of the elements whose text is their content (`value`, `param`, `name`); other elements' text is
    /// whitespace between their children (or an annotation's), which the loader never reads.
    var text = ""
    let keepsText: Bool

    init(_ element: XMLTreeElement, namespaces: NamespaceContext) {
        localName = element.localName
        namespaceURI = element.namespaceURI
        var attributes = SchemaAttributes()
        for attribute in element.attributes where attribute.namespaceURI.isEmpty {
            attributes.add(attribute.localName, attribute.value)
        }
        self.attributes = attributes
        self.namespaces = namespaces
        line = element.line
        keepsText = Self.keepsText(localName, namespaceURI)
    }

    init(_ element: XMLElementEvent, namespaces: NamespaceContext) {
        localName = element.name.localName
        namespaceURI = element.name.namespaceURI
        var attributes = SchemaAttributes()
        for attribute in element.attributes where attribute.qualifiedName.namespaceURI.isEmpty {
            attributes.add(attribute.qualifiedName.localName, attribute.value)
        }
        self.attributes = attributes
        self.namespaces = namespaces
        line = element.line
        keepsText = Self.keepsText(localName, namespaceURI)
    }

    private static func keepsText(_ localName: String, _ namespaceURI: String) -> Bool {
        namespaceURI == structureNamespace && (localName == "value" || localName == "param" || localName == "name")
    }

    static let structureNamespace = "http://relaxng.org/ns/structure/1.0"

    var isStructure: Bool { namespaceURI == Self.structureNamespace }

    /// Reads the schema file at `path`.
    static func load(_ path: String) throws(RelaxNGSchemaError) -> SchemaElement {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RelaxNGSchemaError(schema: path, line: 0, message: "cannot read the schema: \(error)")
        }
        let bytes = [UInt8](data)
        // Read while parsing (no tree; a third of a schema's compilation was building and walking one), unless
        // the parser leaves the file to the tree, which then says what is wrong with it.
        let events = EventBuilder()
        if XMLEventParser().parse(bytes, handler: events) == .complete, let root = events.builder.root { return root }
        return try fromTree(bytes, path: path)
    }

    /// The schema file's elements from a parsed tree.
    static func fromTree(_ bytes: [UInt8], path: String) throws(RelaxNGSchemaError) -> SchemaElement {
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            throw RelaxNGSchemaError(schema: path, line: 0, message: "the schema is not well-formed XML: \(error)")
        }
        let builder = Builder()
        tree.walk(builder)
        guard let root = builder.root else {
            throw RelaxNGSchemaError(schema: path, line: 0, message: "the schema has no root element")
        }
        return root
    }

    /// Builds the elements from a tree's walk (``load(_:)``'s way for files the event parser leaves to the tree).
    final class Builder: XMLTreeVisitor {
        var root: SchemaElement?
        var stack: [SchemaElement] = []
        var shouldStop: Bool { false }

        func startElement(_ element: XMLTreeElement) -> Bool {
            add(SchemaElement(element, namespaces: namespaces(element.namespaceDeclarations)))
            return true
        }

        func namespaces(_ declarations: [(prefix: String, uri: String)]) -> NamespaceContext {
            var namespaces = stack.last?.namespaces ?? NamespaceContext()
            for declaration in declarations { namespaces.bindings[declaration.prefix] = declaration.uri }
            return namespaces
        }

        func add(_ node: SchemaElement) {
            if let parent = stack.last {
                if node.isStructure { parent.children.append(node) }
            } else {
                root = node
            }
            stack.append(node)
        }

        func text(_ text: String, end: XMLPosition) {
            guard let last = stack.last, last.keepsText else { return }
            last.text += text
        }

        func endElement(at end: XMLPosition) { stack.removeLast() }
    }

    /// Builds the same elements from ``XMLEventParser``'s events, while the file is parsed.
    final class EventBuilder: XMLEventHandler {
        let builder = Builder()
        var shouldStop: Bool { false }

        func startElement(_ element: XMLElementEvent) {
            builder.add(SchemaElement(element, namespaces: builder.namespaces(element.namespaceDeclarations)))
        }

        func characters(_ text: UnsafeBufferPointer<UInt8>, end: XMLPosition) {
            guard builder.stack.last?.keepsText == true else { return }
            builder.text(String(decoding: text, as: UTF8.self), end: end)
        }

        func endElement(at end: XMLPosition) { builder.endElement(at: end) }
    }
}

/// An element's attributes in no namespace: a few per element, so a list searched in order is cheaper to build and
/// to read than a dictionary (hashing them was a tenth of compiling the ODF schemas).
struct SchemaAttributes: Equatable {
    private var names: [String] = []
    private var values: [String] = []

    mutating func add(_ name: String, _ value: String) {
        if let index = names.firstIndex(of: name) {
            values[index] = value
        } else {
            names.append(name)
            values.append(value)
        }
    }

    subscript(name: String) -> String? {
        guard let index = names.firstIndex(of: name) else { return nil }
        return values[index]
    }
}
