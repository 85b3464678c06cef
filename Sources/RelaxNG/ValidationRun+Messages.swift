import XMLKit

/// Messages a person can act on: names as the document writes them (its prefixes), and what was expected.
extension ValidationRun {
    static let shownNames = 8

    func display(_ name: Int32, _ context: NamespaceContext) -> String {
        display(engine.names[Int(name)], context)
    }

    /// As `NameClass.name(name).describe(Self.prefixes(context))` says it, without building the whole map of
    /// prefixes for one name: the prefix is the last one bound to the name's URI in the bindings' order.
    func display(_ name: QualifiedName, _ context: NamespaceContext) -> String {
        if name.namespaceURI.isEmpty { return name.localName }
        var prefix: String?
        for (bound, uri) in context.bindings where !bound.isEmpty && uri == name.namespaceURI { prefix = bound }
        return prefix.map { "\($0):\(name.localName)" } ?? name.description
    }

    static func prefixes(_ context: NamespaceContext) -> [String: String] {
        var prefixes: [String: String] = [:]
        for (prefix, uri) in context.bindings where !prefix.isEmpty { prefixes[uri] = prefix }
        return prefixes
    }

    /// "; expected a, b or c" from name classes, or "" when nothing can be said.
    static func list(_ classes: [NameClass], _ context: NamespaceContext) -> String {
        let prefixes = prefixes(context)
        var seen = Set<String>()
        let names = classes.flatMap { $0.describe(prefixes) }.filter { seen.insert($0).inserted }.sorted()
        guard !names.isEmpty else { return "" }
        let shown = names.prefix(shownNames).joined(separator: ", ")
        return "; expected \(names.count > shownNames ? "one of \(shown), …" : shown)"
    }

    func expectedElements(_ pattern: PatternID, _ context: NamespaceContext) -> String {
        var classes: [NameClass] = []
        var visited = Set<PatternID>()
        collectElements(pattern, into: &classes, visited: &visited)
        let expected = Self.list(classes, context)
        if expected.isEmpty, engine.store.nullable(pattern) == false, engine.store.matchesText(pattern) {
            return "; expected text"
        }
        return expected.isEmpty ? "; no element expected here" : expected
    }

    /// Element name classes that could start next in `pattern`.
    private func collectElements(_ pattern: PatternID, into classes: inout [NameClass], visited: inout Set<PatternID>) {
        guard visited.insert(pattern).inserted else { return }
        let store = engine.store
        switch store[pattern] {
        case .choice(let a, let b), .interleave(let a, let b):
            collectElements(a, into: &classes, visited: &visited)
            collectElements(b, into: &classes, visited: &visited)
        case .group(let a, let b):
            collectElements(a, into: &classes, visited: &visited)
            if store.nullable(a) { collectElements(b, into: &classes, visited: &visited) }
        case .oneOrMore(let a), .after(let a, _): collectElements(a, into: &classes, visited: &visited)
        case .element(let nameClass, _): classes.append(engine.schema.nameClasses[Int(nameClass)])
        default: break
        }
    }

    /// Attribute name classes still open in `pattern`; with `required`, only those that cannot be left out.
    /// Each shared sub-pattern is visited once (patterns are a DAG).
    func attributeNames(_ pattern: PatternID, required: Bool) -> [NameClass] {
        var classes: [NameClass] = []
        var visited = Set<PatternID>()
        collectAttributes(pattern, required: required, into: &classes, visited: &visited)
        return classes
    }

    private func collectAttributes(
        _ pattern: PatternID, required: Bool, into classes: inout [NameClass], visited: inout Set<PatternID>
    ) {
        let store = engine.store
        guard store.holdsAttributes(pattern), visited.insert(pattern).inserted else { return }
        switch store[pattern] {
        case .choice(let a, let b):
            if required && (store.nullable(a) || store.nullable(b)) { return }
            collectAttributes(a, required: required, into: &classes, visited: &visited)
            collectAttributes(b, required: required, into: &classes, visited: &visited)
        case .interleave(let a, let b), .group(let a, let b), .after(let a, let b):
            collectAttributes(a, required: required, into: &classes, visited: &visited)
            collectAttributes(b, required: required, into: &classes, visited: &visited)
        case .oneOrMore(let a): collectAttributes(a, required: required, into: &classes, visited: &visited)
        case .attribute(let nameClass, _): classes.append(engine.schema.nameClasses[Int(nameClass)])
        default: break
        }
    }

    func reportAttribute(
        _ name: Int32, _ value: String, of element: Int32, in state: PatternID, _ start: XMLPosition,
        _ context: NamespaceContext
    ) {
        guard !issueLimitReached else { return }  // the message would not be kept
        let known = engine.mayTake(state, name)
        let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
        let message =
            known
            ? "attribute \(display(name, context)) of element \(display(element, context)) has a bad value \"\(shown)\""
            : "attribute \(display(name, context)) not allowed on element \(display(element, context))"
        report(start, message)
    }
}
