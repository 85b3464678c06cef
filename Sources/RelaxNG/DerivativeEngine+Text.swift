extension DerivativeEngine {
    /// textDeriv: the pattern after a text node (or an attribute value, or a list item) `value`.
    func text(_ pattern: PatternID, _ value: String, _ context: NamespaceContext) -> PatternID {
        guard store.matchesText(pattern) else { return PatternStore.notAllowed }
        // A pattern with no data, value or list accepts any text alike: one memo entry serves every string.
        var key: TextKey?
        if !store.textSensitive(pattern) {
            key = TextKey(pattern: pattern, value: -1, context: -1)
        } else if let valueNumber = textNumber(value) {
            key = TextKey(
                pattern: pattern, value: valueNumber, context: store.contextSensitive(pattern) ? contextKey(context) : -1)
        }
        if let key, let known = lookupText(key) { return known }
        let result = computeText(pattern, value, context)
        if let key { rememberText(key, result) }
        return result
    }

    private func computeText(_ pattern: PatternID, _ value: String, _ context: NamespaceContext) -> PatternID {
        switch store[pattern] {
        case .choice(let a, let b): return store.choice(text(a, value, context), text(b, value, context))
        case .interleave(let a, let b):
            return store.choice(
                store.interleave(text(a, value, context), b), store.interleave(a, text(b, value, context)))
        case .group(let a, let b):
            let first = store.group(text(a, value, context), b)
            return store.nullable(a) ? store.choice(first, text(b, value, context)) : first
        case .after(let a, let b): return store.after(text(a, value, context), b)
        case .oneOrMore(let a):
            return store.group(text(a, value, context), store.choice(pattern, PatternStore.empty))
        case .text: return pattern
        case .value(let datatype, let expected):
            let schemaValue = schema.values[Int(expected)]
            let equal = schema.datatypes[datatype].equal(schemaValue.text, schemaValue.context, value, context)
            return equal ? PatternStore.empty : PatternStore.notAllowed
        case .data(let datatype):
            return schema.datatypes[datatype].allows(value, context) ? PatternStore.empty : PatternStore.notAllowed
        case .dataExcept(let datatype, let except):
            let allowed =
                schema.datatypes[datatype].allows(value, context) && !store.nullable(text(except, value, context))
            return allowed ? PatternStore.empty : PatternStore.notAllowed
        case .list(let items):
            var rest = items
            for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
                rest = text(rest, String(word), context)
                if rest == PatternStore.notAllowed { break }
            }
            return store.nullable(rest) ? PatternStore.empty : PatternStore.notAllowed
        default: return PatternStore.notAllowed
        }
    }
}
