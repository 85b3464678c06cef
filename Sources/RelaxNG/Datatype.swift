import Foundation

/// In-scope namespace bindings (prefix → URI; "" is the default namespace), for QName values.
struct NamespaceContext: Hashable, Sendable {
    var bindings: [String: String] = ["xml": "http://www.w3.org/XML/1998/namespace"]
}

/// A datatype with its facets, from the built-in library (string, token) or XML Schema Datatypes, refusing
/// any other: compiled once per schema; its regular expressions are immutable and matched from any thread.
struct Datatype: @unchecked Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case builtinString, builtinToken
        case string, normalizedString, token, NCName, Name, NMTOKEN, QName, ID, IDREF, IDREFS, language, anyURI
        case integer, nonNegativeInteger, positiveInteger, nonPositiveInteger, negativeInteger, int, long
        case decimal, double, float, boolean, date, dateTime, time, duration, gYear, base64Binary, hexBinary
    }

    enum Facet: @unchecked Sendable {
        case length(Int)
        case minLength(Int)
        case maxLength(Int)
        case minInclusive(Double)
        case maxInclusive(Double)
        case minExclusive(Double)
        case maxExclusive(Double)
        case pattern(NSRegularExpression)
    }

    var kind: Kind
    var facets: [Facet] = []

    var needsContext: Bool { kind == .QName }

    /// Whether whitespace is kept (string) or collapsed (everything else) before checking.
    private var preservesWhitespace: Bool {
        kind == .builtinString || kind == .string || kind == .normalizedString
    }

    func normalized(_ text: String) -> String {
        if kind == .normalizedString {
            return String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
        }
        return preservesWhitespace ? text : Self.collapse(text)
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    func allows(_ text: String, _ context: NamespaceContext) -> Bool {
        let value = normalized(text)
        guard XSDLexical.isValid(value, kind, context) else { return false }
        return facets.allSatisfy { satisfies($0, value) }
    }

    private func satisfies(_ facet: Facet, _ value: String) -> Bool {
        switch facet {
        case .length(let n): return measure(value) == n
        case .minLength(let n): return measure(value) >= n
        case .maxLength(let n): return measure(value) <= n
        case .minInclusive(let bound): return (Double(value) ?? .nan) >= bound
        case .maxInclusive(let bound): return (Double(value) ?? .nan) <= bound
        case .minExclusive(let bound): return (Double(value) ?? .nan) > bound
        case .maxExclusive(let bound): return (Double(value) ?? .nan) < bound
        case .pattern(let regex):
            let range = NSRange(value.startIndex..., in: value)
            return regex.firstMatch(in: value, options: [], range: range) != nil
        }
    }

    /// Length in the type's own unit: octets for binary types, list items for IDREFS, else characters.
    private func measure(_ value: String) -> Int {
        switch kind {
        case .base64Binary:
            let digits = value.filter { !$0.isWhitespace && $0 != "=" }.count
            return digits * 3 / 4
        case .hexBinary: return value.count / 2
        case .IDREFS: return value.split(separator: " ").count
        default: return value.unicodeScalars.count
        }
    }

    /// Whether `text` is the same value as `expected` (a `value` pattern), compared in the type's value space as
    /// far as the schemas need: numbers numerically, booleans by truth, QNames by expanded name, else by the
    /// whitespace-normalised lexical form.
    func equal(
        _ expected: String, _ expectedContext: NamespaceContext, _ text: String, _ context: NamespaceContext
    )
        -> Bool
    {
        let (a, b) = (normalized(expected), normalized(text))
        guard allows(text, context) else { return false }
        switch kind {
        case .integer, .nonNegativeInteger, .positiveInteger, .nonPositiveInteger, .negativeInteger, .int, .long,
            .decimal, .double, .float:
            return Double(a) == Double(b)
        case .boolean: return (a == "true" || a == "1") == (b == "true" || b == "1")
        case .QName:
            return XSDLexical.expand(a, expectedContext) == XSDLexical.expand(b, context)
        default: return a == b
        }
    }
}
