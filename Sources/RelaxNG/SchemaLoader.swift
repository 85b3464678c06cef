import Foundation

/// Reads a RELAX NG schema (XML syntax) with its includes into ``Syntax`` per define, applying the syntactic
/// simplifications of spec section 4: `ns` and `datatypeLibrary` inheritance, `include` with overrides, `div`,
/// `combine`, nested grammars and `parentRef`, `externalRef`. Anything else is refused with the file and line.
final class SchemaLoader {
    struct Context {
        var scope: Int
        var namespace: String
        var library: String
        var file: String
    }

    struct Definition {
        var combine: String?
        var body: Syntax
        var file: String
        var line: Int
    }

    struct Scope {
        var parent: Int?
        var definitions: [String: [Definition]] = [:]
    }

    private(set) var scopes: [Scope] = []
    private(set) var datatypes = DatatypeTable()
    private(set) var values: [SchemaValue] = []
    /// Files being included, to refuse include loops.
    private var including: [String] = []

    /// Loads `path`; returns the key of the start pattern of its outermost grammar.
    func load(_ path: String) throws(RelaxNGSchemaError) -> DefineKey {
        let root = try SchemaElement.load(path)
        let context = Context(scope: -1, namespace: "", library: "", file: path)
        let start = try pattern(root, context)
        // A schema that is a bare pattern gets a grammar of its own (spec 4.18).
        if case .ref(let key) = start, key.name == DefineKey.start { return key }
        scopes.append(Scope(parent: nil))
        let key = DefineKey(scope: scopes.count - 1, name: DefineKey.start)
        scopes[key.scope].definitions[key.name] = [Definition(combine: nil, body: start, file: path, line: root.line)]
        return key
    }

    func failure(_ element: SchemaElement, _ context: Context, _ message: String) -> RelaxNGSchemaError {
        RelaxNGSchemaError(schema: context.file, line: element.line, message: message)
    }

    /// The context for `element`'s content: its own `ns` and `datatypeLibrary` override the inherited ones.
    func inner(_ element: SchemaElement, _ context: Context) -> Context {
        var inner = context
        if let namespace = element.attributes["ns"] { inner.namespace = namespace }
        if let library = element.attributes["datatypeLibrary"] { inner.library = library }
        return inner
    }

    // MARK: Grammars

    func grammar(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> Syntax {
        scopes.append(Scope(parent: context.scope >= 0 ? context.scope : nil))
        var inner = inner(element, context)
        inner.scope = scopes.count - 1
        try grammarContent(element.children, inner, overridden: [])
        return .ref(DefineKey(scope: inner.scope, name: DefineKey.start))
    }

    /// Adds the starts and defines of a grammar's content to `context.scope`, leaving out those an including
    /// file overrides (`overridden`, with ``DefineKey/start`` for the start).
    private func grammarContent(
        _ children: [SchemaElement], _ context: Context, overridden: Set<String>
    ) throws(RelaxNGSchemaError) {
        for child in children {
            let local = inner(child, context)
            switch child.localName {
            case "start", "define":
                let name = child.localName == "start" ? DefineKey.start : (child.attributes["name"] ?? "")
                guard !name.isEmpty else { throw failure(child, context, "define without a name") }
                if overridden.contains(name) { continue }
                let body = try group(child.children, local)
                let definition = Definition(
                    combine: child.attributes["combine"], body: body, file: context.file, line: child.line)
                scopes[context.scope].definitions[name, default: []].append(definition)
            case "div": try grammarContent(child.children, local, overridden: overridden)
            case "include": try include(child, local, overridden: overridden)
            default: throw failure(child, context, "\(child.localName) is not allowed in a grammar")
            }
        }
    }

    private func include(
        _ element: SchemaElement, _ context: Context, overridden: Set<String>
    ) throws(RelaxNGSchemaError) {
        let path = try resolve(element, context)
        guard !including.contains(path) else { throw failure(element, context, "include loop through \(path)") }
        let root = try SchemaElement.load(path)
        guard root.isStructure, root.localName == "grammar" else {
            throw failure(element, context, "the included file \(path) is not a grammar")
        }
        let own = Self.definedNames(element.children)
        including.append(path)
        var included = inner(root, context)
        included.file = path
        try grammarContent(root.children, included, overridden: overridden.union(own))
        including.removeLast()
        try grammarContent(element.children, context, overridden: overridden)
    }

    /// Names a grammar's content defines (through divs), with ``DefineKey/start`` for a start.
    private static func definedNames(_ children: [SchemaElement]) -> Set<String> {
        var names = Set<String>()
        for child in children {
            switch child.localName {
            case "start": names.insert(DefineKey.start)
            case "define": names.insert(child.attributes["name"] ?? "")
            case "div": names.formUnion(definedNames(child.children))
            default: break
            }
        }
        return names
    }

    func resolve(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> String {
        guard let href = element.attributes["href"], !href.contains("://") else {
            throw failure(element, context, "\(element.localName) needs a local href (no URLs are fetched)")
        }
        let base = URL(fileURLWithPath: context.file).deletingLastPathComponent()
        return base.appendingPathComponent(href).standardizedFileURL.path
    }

    /// The reference `name` in `context`'s grammar (or its parent's, for parentRef).
    func reference(_ element: SchemaElement, _ context: Context, parent: Bool) throws(RelaxNGSchemaError) -> Syntax {
        guard let name = element.attributes["name"]?.trimming(.whitespaces), !name.isEmpty else {
            throw failure(element, context, "\(element.localName) without a name")
        }
        guard context.scope >= 0 else { throw failure(element, context, "\(element.localName) outside a grammar") }
        guard !parent else {
            guard let outer = scopes[context.scope].parent else {
                throw failure(element, context, "parentRef in the outermost grammar")
            }
            return .ref(DefineKey(scope: outer, name: name))
        }
        return .ref(DefineKey(scope: context.scope, name: name))
    }

    func addValue(_ value: SchemaValue) -> Int32 {
        values.append(value)
        return Int32(values.count - 1)
    }

    func datatype(
        _ element: SchemaElement, _ context: Context, type: String, params: [(String, String)]
    ) throws(RelaxNGSchemaError) -> Int32 {
        do {
            return try datatypes.add(library: context.library, type: type, params: params)
        } catch {
            throw failure(element, context, error.message)
        }
    }
}
