import XMLKit

/// Clark's derivative algorithm over a ``CompiledSchema``'s patterns, memoized. Not thread-safe: one thread at a
/// time (``CompiledSchema/withEngine(_:)``, hence unchecked Sendable: the pool hands it over under a lock); new
/// patterns go into the engine's own copy of the store.
final class DerivativeEngine: @unchecked Sendable {
    let schema: CompiledSchema
    var store: PatternStore
    private var nameNumbers: [QualifiedName: Int32] = [:]
    private(set) var names: [QualifiedName] = []
    private var stringNumbers = StringNumbers()
    private var contextNumbers: [NamespaceContext: Int32] = [:]
    // Memo tables (``IntegerTable``, keyed by numbers): (pattern, element name); (pattern, attribute name),
    // (value, context); (pattern, value), context; (name class, name) and (pattern, attribute name) as 0 or 1.
    private var openMemo = IntegerTable()
    private var attributeMemo = IntegerTable()
    private var textMemo = IntegerTable()
    private var containsMemo = IntegerTable()
    private var attributeNameMemo = IntegerTable()
    /// startTagCloseDeriv and endTagDeriv by pattern number (-1: not yet known).
    private var closeMemo: [PatternID] = []
    private var endMemo: [PatternID] = []

    struct TextKey {
        var pattern: PatternID
        var value: Int32
        var context: Int32
    }

    func lookupText(_ key: TextKey) -> PatternID? {
        textMemo[packed(key.pattern, key.value), UInt64(UInt32(bitPattern: key.context))]
    }
    func rememberText(_ key: TextKey, _ result: PatternID) {
        textMemo.insert(result, at: packed(key.pattern, key.value), UInt64(UInt32(bitPattern: key.context)))
    }

    /// What ``applyAfter(_:_:)`` does to the pattern after an element.
    enum AfterOperation {
        case group(PatternID)
        case interleave(PatternID)
        case after(PatternID)
    }

    /// The parser of streamed checks (its libxml2 context and name dictionary reused from document to document),
    /// and the numbers of the names it reported, by address, for its current ``XMLEventParser/dictionaryGeneration``.
    let parser = XMLEventParser()
    /// The thread that used the engine last (``CompiledSchema/withEngine(_:)``).
    var lastThread: UInt = 0
    private var namesByAddress = IntegerTable()
    private var addressGeneration = 0

    init(schema: CompiledSchema) {
        self.schema = schema
        store = schema.store
    }

    /// Memory in use, roughly: patterns plus memo entries.
    var size: Int {
        store.count + openMemo.count + attributeMemo.count + textMemo.count + stringNumbers.count + names.count
    }

    func number(_ name: QualifiedName) -> Int32 {
        if let known = nameNumbers[name] { return known }
        names.append(name)
        nameNumbers[name] = Int32(names.count - 1)
        return Int32(names.count - 1)
    }

    /// The number of a name reported by ``parser``: a table look-up by address once the dictionary has seen it.
    func number(streamed name: XMLQualifiedName) -> Int32 {
        if parser.dictionaryGeneration != addressGeneration {
            namesByAddress = IntegerTable()
            addressGeneration = parser.dictionaryGeneration
        }
        let addresses = name.addresses
        let key = (UInt64(addresses.localName), UInt64(addresses.namespace))
        if let known = namesByAddress[key.0, key.1] { return known }
        let assigned = number(QualifiedName(namespaceURI: name.namespaceURI, localName: name.localName))
        namesByAddress.insert(assigned, at: key.0, key.1)
        return assigned
    }

    /// Long strings are not interned (their derivatives are computed, not remembered), nor any string once a
    /// million are (one document of unique values cannot grow the tables without bound).
    private func number(_ string: String) -> Int32? {
        guard string.utf8.count <= 256 else { return nil }
        return stringNumbers.number(string, assigns: stringNumbers.count < 1_000_000)
    }

    private func number(_ context: NamespaceContext) -> Int32 {
        if let known = contextNumbers[context] { return known }
        let next = Int32(contextNumbers.count)
        contextNumbers[context] = next
        return next
    }

    func contains(_ nameClass: Int32, _ name: Int32) -> Bool {
        let key = packed(nameClass, name)
        if let known = containsMemo[key] { return known != 0 }
        let result = schema.nameClasses[Int(nameClass)].contains(names[Int(name)])
        containsMemo.insert(result ? 1 : 0, at: key)
        return result
    }

    // MARK: Elements

    func startTagOpen(_ pattern: PatternID, _ name: Int32) -> PatternID {
        let key = packed(pattern, name)
        if let known = openMemo[key] { return known }
        let result: PatternID
        switch store[pattern] {
        case .choice(let a, let b): result = store.choice(startTagOpen(a, name), startTagOpen(b, name))
        case .element(let nameClass, let content):
            result =
                contains(nameClass, name)
                ? store.after(schema.elementContents[Int(content)], PatternStore.empty) : PatternStore.notAllowed
        case .interleave(let a, let b):
            result = store.choice(
                applyAfter(.interleave(b), startTagOpen(a, name)), applyAfter(.interleave(a), startTagOpen(b, name)))
        case .oneOrMore(let a):
            let rest = store.choice(pattern, PatternStore.empty)
            result = applyAfter(.group(rest), startTagOpen(a, name))
        case .group(let a, let b):
            let first = applyAfter(.group(b), startTagOpen(a, name))
            result = store.nullable(a) ? store.choice(first, startTagOpen(b, name)) : first
        case .after(let a, let b): result = applyAfter(.after(b), startTagOpen(a, name))
        default: result = PatternStore.notAllowed
        }
        openMemo.insert(result, at: key)
        return result
    }

    func applyAfter(_ operation: AfterOperation, _ pattern: PatternID) -> PatternID {
        switch store[pattern] {
        case .after(let a, let b):
            switch operation {
            case .group(let rest): return store.after(a, store.group(b, rest))
            case .interleave(let other): return store.after(a, store.interleave(b, other))
            case .after(let rest): return store.after(a, store.after(b, rest))
            }
        case .choice(let a, let b): return store.choice(applyAfter(operation, a), applyAfter(operation, b))
        default: return PatternStore.notAllowed
        }
    }

    func startTagClose(_ pattern: PatternID) -> PatternID {
        guard store.holdsAttributes(pattern) else { return pattern }
        if Int(pattern) < closeMemo.count, closeMemo[Int(pattern)] >= 0 { return closeMemo[Int(pattern)] }
        let result: PatternID
        switch store[pattern] {
        case .after(let a, let b): result = store.after(startTagClose(a), b)
        case .choice(let a, let b): result = store.choice(startTagClose(a), startTagClose(b))
        case .group(let a, let b): result = store.group(startTagClose(a), startTagClose(b))
        case .interleave(let a, let b): result = store.interleave(startTagClose(a), startTagClose(b))
        case .oneOrMore(let a): result = store.oneOrMore(startTagClose(a))
        case .attribute: result = PatternStore.notAllowed
        default: result = pattern
        }
        Self.remember(result, for: pattern, in: &closeMemo)
        return result
    }

    func endTag(_ pattern: PatternID) -> PatternID {
        if Int(pattern) < endMemo.count, endMemo[Int(pattern)] >= 0 { return endMemo[Int(pattern)] }
        let result: PatternID
        switch store[pattern] {
        case .choice(let a, let b): result = store.choice(endTag(a), endTag(b))
        case .after(let a, let b): result = store.nullable(a) ? b : PatternStore.notAllowed
        default: result = PatternStore.notAllowed
        }
        Self.remember(result, for: pattern, in: &endMemo)
        return result
    }

    private static func remember(_ result: PatternID, for pattern: PatternID, in memo: inout [PatternID]) {
        if Int(pattern) >= memo.count {
            memo.append(contentsOf: repeatElement(-1, count: max(Int(pattern) + 1 - memo.count, memo.count)))
        }
        memo[Int(pattern)] = result
    }

    // MARK: Attributes and text

    /// An attribute's value as the memo tables see it: its string number (nil for long strings, which are not
    /// remembered) and the context's number, each worked out once per attribute, when a memo key first needs
    /// it, rather than at every pattern visited.
    struct Input {
        var text: String
        var context: NamespaceContext
        var contextNumber: Int32?
        /// `nil` until worked out; then the string's number, `nil` inside when it has none.
        var textNumber: Int32??
    }

    func input(_ text: String, _ context: NamespaceContext) -> Input {
        Input(text: text, context: context, contextNumber: nil, textNumber: nil)
    }

    func valueNumber(_ input: inout Input) -> Int32? {
        if let known = input.textNumber { return known }
        let assigned = number(input.text)
        input.textNumber = .some(assigned)
        return assigned
    }

    func contextNumber(_ input: inout Input) -> Int32 {
        if let known = input.contextNumber { return known }
        let assigned = number(input.context)
        input.contextNumber = assigned
        return assigned
    }

    func attribute(_ pattern: PatternID, _ name: Int32, _ value: String, _ context: NamespaceContext) -> PatternID {
        var prepared = input(value, context)
        return attribute(pattern, name, &prepared)
    }

    private func attribute(_ pattern: PatternID, _ name: Int32, _ value: inout Input) -> PatternID {
        guard store.holdsAttributes(pattern) else { return PatternStore.notAllowed }
        // A remembered result first (only patterns that may take the name have one), unless its key needs the
        // context's number; then only the branches that can take this attribute name are worth a look-up.
        let contextFree = !store.contextSensitive(pattern)
        var key: (UInt64, UInt64)?
        if contextFree, let valueNumber = valueNumber(&value) {
            key = (packed(pattern, name), packed(valueNumber, -1))
            if let key, let known = attributeMemo[key.0, key.1] { return known }
        }
        guard mayTake(pattern, name) else { return PatternStore.notAllowed }
        if !contextFree, let valueNumber = valueNumber(&value) {
            key = (packed(pattern, name), packed(valueNumber, contextNumber(&value)))
            if let key, let known = attributeMemo[key.0, key.1] { return known }
        }
        let result: PatternID
        switch store[pattern] {
        case .after(let a, let b): result = store.after(attribute(a, name, &value), b)
        case .choice(let a, let b): result = store.choice(attribute(a, name, &value), attribute(b, name, &value))
        case .group(let a, let b):
            let left = store.group(attribute(a, name, &value), b)
            result = store.choice(left, store.group(a, attribute(b, name, &value)))
        case .interleave(let a, let b):
            let left = store.interleave(attribute(a, name, &value), b)
            result = store.choice(left, store.interleave(a, attribute(b, name, &value)))
        case .oneOrMore(let a):
            result = store.group(attribute(a, name, &value), store.choice(pattern, PatternStore.empty))
        case .attribute(let nameClass, let content):
            result =
                contains(nameClass, name) && valueMatches(content, &value)
                ? PatternStore.empty : PatternStore.notAllowed
        default: result = PatternStore.notAllowed
        }
        if let key { attributeMemo.insert(result, at: key.0, key.1) }
        return result
    }

    /// Whether an attribute pattern in `pattern` (outside elements) has a name class containing `name`.
    func mayTake(_ pattern: PatternID, _ name: Int32) -> Bool {
        let key = packed(pattern, name)
        if let known = attributeNameMemo[key] { return known != 0 }
        let result: Bool
        switch store[pattern] {
        case .after(let a, _), .oneOrMore(let a): result = store.holdsAttributes(a) && mayTake(a, name)
        case .choice(let a, let b), .group(let a, let b), .interleave(let a, let b):
            result = (store.holdsAttributes(a) && mayTake(a, name)) || (store.holdsAttributes(b) && mayTake(b, name))
        case .attribute(let nameClass, _): result = contains(nameClass, name)
        default: result = false
        }
        attributeNameMemo.insert(result ? 1 : 0, at: key)
        return result
    }

    func valueMatches(_ pattern: PatternID, _ value: inout Input) -> Bool {
        (store.nullable(pattern) && Self.isWhitespace(value.text)) || store.nullable(text(pattern, &value))
    }

    static func isWhitespace(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
