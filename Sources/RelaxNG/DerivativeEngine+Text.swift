extension DerivativeEngine {
    /// textDeriv: the pattern after a text node (or an attribute value, or a list item) `value`.
    func text(_ pattern: PatternID, _ value: String, _ context: NamespaceContext) -> PatternID {
        guard store.matchesText(pattern) else { return PatternStore.notAllowed }
        var prepared = self.input(value, context)
        return text(pattern, &prepared)
    }

    func text(_ pattern: PatternID, _ value: inout Input) -> PatternID {
        guard store.matchesText(pattern) else { return PatternStore.notAllowed }
        // A pattern with no data, value or list accepts any text alike: one memo entry serves every string.
        var key: TextKey?
        if !store.textSensitive(pattern) {
            key = TextKey(pattern: pattern, value: -1, context: -1)
        } else if let valueNumber = valueNumber(&value) {
            let context = store.contextSensitive(pattern) ? contextNumber(&value) : -1
            key = TextKey(pattern: pattern, value: valueNumber, context: context)
        }
        if let key, let known = lookupText(key) { return known }
        let result = computeText(pattern, &value)
        if let key { rememberText(key, result) }
        return result
    }

    private func computeText(_ pattern: PatternID, _ value: inout Input) -> PatternID {
        switch store[pattern] {
        case .choice(let a, let b): return store.choice(text(a, &value), text(b, &value))
        case .interleave(let a, let b):
            return store.choice(
                store.interleave(text(a, &value), b), store.interleave(a, text(b, &value)))
        case .group(let a, let b):
            let first = store.group(text(a, &value), b)
            return store.nullable(a) ? store.choice(first, text(b, &value)) : first
        case .after(let a, let b): return store.after(text(a, &value), b)
        case .oneOrMore(let a):
            return store.group(text(a, &value), store.choice(pattern, PatternStore.empty))
        case .text: return pattern
        case .value(let datatype, let expected):
            let schemaValue = schema.values[Int(expected)]
            let equal = schema.datatypes[datatype].equal(
                schemaValue.text, schemaValue.context, value.text, value.context)
            return equal ? PatternStore.empty : PatternStore.notAllowed
        case .data(let datatype):
            return schema.datatypes[datatype].allows(value.text, value.context)
                ? PatternStore.empty : PatternStore.notAllowed
        case .dataExcept(let datatype, let except):
            let allowed =
                schema.datatypes[datatype].allows(value.text, value.context) && !store.nullable(text(except, &value))
            return allowed ? PatternStore.empty : PatternStore.notAllowed
        case .list(let items):
            var rest = items
            for word in value.text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
                rest = text(rest, String(word), value.context)
                if rest == PatternStore.notAllowed { break }
            }
            return store.nullable(rest) ? PatternStore.empty : PatternStore.notAllowed
        default: return PatternStore.notAllowed
        }
    }
}
