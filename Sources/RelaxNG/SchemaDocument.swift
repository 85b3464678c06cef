import Foundation
import XMLKit

/// One element of a schema file, read through XMLKit's hardened libxml2 parser.
final class SchemaElement {
    let localName: String
    let namespaceURI: String
    /// Attributes in no namespace (annotations in other namespaces are ignored, as the spec says).
    let attributes: [String: String]
    /// Namespace bindings in scope, for QNames in `name` and for QName values.
    let namespaces: NamespaceContext
    let line: Int
    var children: [SchemaElement] = []
    var text = ""

    init(_ element: XMLTreeElement, namespaces: NamespaceContext) {
        localName = element.localName
        namespaceURI = element.namespaceURI
        var attributes: [String: String] = [:]
        for attribute in element.attributes where attribute.namespaceURI.isEmpty {
            attributes[attribute.localName] = attribute.value
        }
        self.attributes = attributes
        self.namespaces = namespaces
        line = element.line
    }

    static let structureNamespace = "http://relaxng.org/ns/structure/1.0"

    var isStructure: Bool { namespaceURI == Self.structureNamespace }
    /// Child elements of the RELAX NG namespace (foreign ones are annotations).
    var structureChildren: [SchemaElement] { children.filter(\.isStructure) }

    /// Reads the schema file at `path`.
    static func load(_ path: String) throws(RelaxNGSchemaError) -> SchemaElement {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RelaxNGSchemaError(schema: path, line: 0, message: "cannot read the schema: \(error)")
        }
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: [UInt8](data))
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

    private final class Builder: XMLTreeVisitor {
        var root: SchemaElement?
        var stack: [SchemaElement] = []
        var shouldStop: Bool { false }

        func startElement(_ element: XMLTreeElement) -> Bool {
            var namespaces = stack.last?.namespaces ?? NamespaceContext()
            for declaration in element.namespaceDeclarations {
                namespaces.bindings[declaration.prefix] = declaration.uri
            }
            let node = SchemaElement(element, namespaces: namespaces)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
            return true
        }

        func text(_ text: String, end: XMLPosition) { stack.last?.text += text }

        func endElement(at end: XMLPosition) { stack.removeLast() }
    }
}
