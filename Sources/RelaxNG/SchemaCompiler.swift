/// Turns the loader's defines into interned patterns (spec 4.19–4.20 in effect): combines multiple definitions,
/// expands references, and gives every element its own content slot so recursion goes through elements only.
struct SchemaCompiler {
    private let loader: SchemaLoader
    private let schemaName: String
    private var store = PatternStore()
    private var nameClasses: [NameClass] = []
    private var nameClassNumbers: [NameClass: Int32] = [:]
    private var elementContents: [PatternID] = []
    private var pendingElements: [(slot: Int, content: Syntax)] = []
    /// Defines compiled, and those being compiled (``beingCompiled``: met again, one refers to itself outside an
    /// element).
    private var compiled: [DefineKey: PatternID] = [:]
    private static let beingCompiled: PatternID = -1

    init(loader: SchemaLoader, schemaName: String) {
        self.loader = loader
        self.schemaName = schemaName
        var contextTypes = Set<Int32>()
        for (index, type) in loader.datatypes.types.enumerated() where type.needsContext {
            contextTypes.insert(Int32(index))
        }
        store.contextDatatypes = contextTypes
    }

    mutating func compile(start: DefineKey) throws(RelaxNGSchemaError) -> CompiledSchema {
        let startPattern = try define(start)
        while let (slot, content) = pendingElements.popLast() {
            elementContents[slot] = try pattern(content)
        }
        return CompiledSchema(
            name: schemaName, start: startPattern, store: store, nameClasses: nameClasses,
            elementContents: elementContents, datatypes: loader.datatypes, values: loader.values)
    }

    private func failure(_ message: String, line: Int = 0, file: String? = nil) -> RelaxNGSchemaError {
        RelaxNGSchemaError(schema: file ?? schemaName, line: line, message: message)
    }

    private mutating func define(_ key: DefineKey) throws(RelaxNGSchemaError) -> PatternID {
        let known = compiled[key]
        if let known, known != Self.beingCompiled { return known }
        guard let definitions = loader.scopes[key.scope].definitions[key.name], let first = definitions.first else {
            let what = key.name == DefineKey.start ? "the grammar has no start" : "reference to undefined \(key.name)"
            throw failure(what)
        }
        guard known == nil else {
            throw failure("\(key.name) refers to itself outside an element", line: first.line, file: first.file)
        }
        compiled[key] = Self.beingCompiled
        let combined = try combine(key, definitions)
        let id = try pattern(combined)
        compiled[key] = id
        return id
    }

    /// Several definitions of one name: all but one must say how they combine, and all the same way (4.17).
    private func combine(
        _ key: DefineKey, _ definitions: [SchemaLoader.Definition]
    ) throws(RelaxNGSchemaError)
        -> Syntax
    {
        guard definitions.count > 1 else { return definitions[0].body }
        let methods = Set(definitions.compactMap(\.combine))
        guard methods.count == 1, let method = methods.first, definitions.filter({ $0.combine == nil }).count <= 1,
            method == "choice" || method == "interleave"
        else {
            let first = definitions[0]
            throw failure("conflicting definitions of \(key.name)", line: first.line, file: first.file)
        }
        let bodies = definitions.map(\.body)
        return method == "choice" ? .choice(bodies) : .interleave(bodies)
    }

    private mutating func pattern(_ syntax: Syntax) throws(RelaxNGSchemaError) -> PatternID {
        switch syntax {
        case .empty: return PatternStore.empty
        case .notAllowed: return PatternStore.notAllowed
        case .text: return PatternStore.text
        case .ref(let key): return try define(key)
        case .element(let nameClass, let content):
            elementContents.append(PatternStore.notAllowed)
            pendingElements.append((elementContents.count - 1, content))
            let slot = Int32(elementContents.count - 1)
            return store.intern(.element(nameClass: number(nameClass), content: slot))
        case .attribute(let nameClass, let content):
            return store.intern(.attribute(nameClass: number(nameClass), try pattern(content)))
        case .group(let members): return try fold(members) { $0.group($1, $2) }
        case .interleave(let members): return try fold(members) { $0.interleave($1, $2) }
        case .choice(let members):
            guard !members.isEmpty else { return PatternStore.notAllowed }
            return try fold(members) { $0.choice($1, $2) }
        case .oneOrMore(let member): return store.oneOrMore(try pattern(member))
        case .list(let member): return store.intern(.list(try pattern(member)))
        case .data(let datatype, nil): return store.intern(.data(datatype: datatype))
        case .data(let datatype, let except?):
            return store.intern(.dataExcept(datatype: datatype, except: try pattern(except)))
        case .value(let datatype, let value): return store.intern(.value(datatype: datatype, value: value))
        }
    }

    private mutating func fold(
        _ members: [Syntax], _ combine: (inout PatternStore, PatternID, PatternID) -> PatternID
    ) throws(RelaxNGSchemaError) -> PatternID {
        var result: PatternID?
        for member in members {
            let id = try pattern(member)
            result = result.map { combine(&store, $0, id) } ?? id
        }
        return result ?? PatternStore.empty
    }

    private mutating func number(_ nameClass: NameClass) -> Int32 {
        if let known = nameClassNumbers[nameClass] { return known }
        nameClasses.append(nameClass)
        nameClassNumbers[nameClass] = Int32(nameClasses.count - 1)
        return Int32(nameClasses.count - 1)
    }
}
