/// A pattern's number in a ``PatternStore``: equal numbers are equal patterns (hash-consing), so derivative
/// results can be memoized by number.
typealias PatternID = Int32

/// One node of a simplified pattern (the data model of Clark's derivative algorithm). Children are numbers in the
/// same store; name classes, datatypes, values and element contents are numbers in the compiled schema's tables.
enum PatternNode: Hashable, Sendable {
    case empty
    case notAllowed
    case text
    case choice(PatternID, PatternID)
    case interleave(PatternID, PatternID)
    case group(PatternID, PatternID)
    case oneOrMore(PatternID)
    /// The rest of an element's content, then what follows the element (from startTagOpenDeriv).
    case after(PatternID, PatternID)
    case list(PatternID)
    case data(datatype: Int32)
    case dataExcept(datatype: Int32, except: PatternID)
    case value(datatype: Int32, value: Int32)
    case attribute(nameClass: Int32, PatternID)
    /// An element: its content is `elementContents[content]` in the compiled schema, so recursive grammars stay
    /// finite.
    case element(nameClass: Int32, content: Int32)
}

extension PatternNode {
    /// The node as an ``IntegerTable`` key: its case and up to two numbers, so equal nodes have equal keys.
    var tableKey: (UInt64, UInt64) {
        switch self {
        case .empty: return (0, 0)
        case .notAllowed: return (1, 0)
        case .text: return (2, 0)
        case .choice(let a, let b): return (packed(3, a), UInt64(UInt32(bitPattern: b)))
        case .interleave(let a, let b): return (packed(4, a), UInt64(UInt32(bitPattern: b)))
        case .group(let a, let b): return (packed(5, a), UInt64(UInt32(bitPattern: b)))
        case .oneOrMore(let a): return (packed(6, a), 0)
        case .after(let a, let b): return (packed(7, a), UInt64(UInt32(bitPattern: b)))
        case .list(let a): return (packed(8, a), 0)
        case .data(let type): return (packed(9, type), 0)
        case .dataExcept(let type, let except): return (packed(10, type), UInt64(UInt32(bitPattern: except)))
        case .value(let type, let value): return (packed(11, type), UInt64(UInt32(bitPattern: value)))
        case .attribute(let nameClass, let content):
            return (packed(12, nameClass), UInt64(UInt32(bitPattern: content)))
        case .element(let nameClass, let content):
            return (packed(13, nameClass), UInt64(UInt32(bitPattern: content)))
        }
    }
}

/// Interned patterns with their cached properties, built with the normalising constructors of the derivative
/// paper (notAllowed and empty absorbed, choices flattened, sorted and deduplicated so equal sets share a number).
struct PatternStore: Sendable {
    static let empty: PatternID = 0
    static let notAllowed: PatternID = 1
    static let text: PatternID = 2

    private(set) var nodes: [PatternNode] = []
    /// Each node's number, by ``PatternNode/tableKey``.
    private var numbers = IntegerTable(capacity: 4096)
    /// Bit 0: nullable; bit 1: textDeriv depends on the string (data, value, list); bit 2: depends on the
    /// namespace context (QName values); bit 3: holds an attribute (outside elements), so attDeriv and
    /// startTagCloseDeriv have work to do; bit 4: can match text (text, data, value, list outside elements and
    /// attributes), so textDeriv has work to do.
    private(set) var flags: [UInt8] = []
    /// Which datatypes need the namespace context (set by the compiler before patterns use them).
    var contextDatatypes: Set<Int32> = []

    init() {
        _ = intern(.empty)
        _ = intern(.notAllowed)
        _ = intern(.text)
    }

    var count: Int { nodes.count }

    @inline(__always) subscript(_ id: PatternID) -> PatternNode { nodes[Int(id)] }
    @inline(__always) func nullable(_ id: PatternID) -> Bool { flags[Int(id)] & 1 != 0 }
    @inline(__always) func textSensitive(_ id: PatternID) -> Bool { flags[Int(id)] & 2 != 0 }
    @inline(__always) func contextSensitive(_ id: PatternID) -> Bool { flags[Int(id)] & 4 != 0 }
    @inline(__always) func holdsAttributes(_ id: PatternID) -> Bool { flags[Int(id)] & 8 != 0 }
    @inline(__always) func matchesText(_ id: PatternID) -> Bool { flags[Int(id)] & 16 != 0 }

    mutating func intern(_ node: PatternNode) -> PatternID {
        let key = node.tableKey
        if let known = numbers[key.0, key.1] { return known }
        let id = PatternID(nodes.count)
        nodes.append(node)
        numbers.insert(id, at: key.0, key.1)
        flags.append(computeFlags(node))
        return id
    }

    private func computeFlags(_ node: PatternNode) -> UInt8 {
        let f = { (id: PatternID) in flags[Int(id)] }
        let context = { (type: Int32) -> UInt8 in contextDatatypes.contains(type) ? 4 : 0 }
        switch node {
        case .empty: return 1
        case .text: return 1 | 16
        case .notAllowed, .element: return 0
        case .choice(let a, let b): return f(a) | f(b)
        case .interleave(let a, let b), .group(let a, let b): return (f(a) | f(b)) & ~1 | (f(a) & f(b) & 1)
        case .oneOrMore(let a): return f(a)
        case .after(let a, let b): return (f(a) | f(b)) & ~1
        case .list(let a): return 2 | 16 | f(a) & 4
        case .data(let type): return 2 | 16 | context(type)
        case .dataExcept(let type, let except): return 2 | 16 | context(type) | f(except) & 4
        case .value(let type, _): return 2 | 16 | context(type)
        case .attribute(_, let content): return 8 | f(content) & 4
        }
    }

    mutating func choice(_ a: PatternID, _ b: PatternID) -> PatternID {
        if a == Self.notAllowed || a == b { return b }
        if b == Self.notAllowed { return a }
        // Two single patterns (the common case): what the general path below makes, without its array.
        if !isChoice(a), !isChoice(b) { return a < b ? intern(.choice(a, b)) : intern(.choice(b, a)) }
        var members: [PatternID] = []
        collectChoice(a, into: &members)
        collectChoice(b, into: &members)
        members.sort()
        var result = members[members.count - 1]
        var index = members.count - 2
        while index >= 0 {
            if members[index] != members[index + 1] { result = intern(.choice(members[index], result)) }
            index -= 1
        }
        return result
    }

    @inline(__always) private func isChoice(_ id: PatternID) -> Bool {
        if case .choice = self[id] { return true }
        return false
    }

    private func collectChoice(_ id: PatternID, into members: inout [PatternID]) {
        var current = id
        while case .choice(let first, let rest) = self[current] {
            members.append(first)
            current = rest
        }
        members.append(current)
    }

    mutating func group(_ a: PatternID, _ b: PatternID) -> PatternID {
        if a == Self.notAllowed || b == Self.notAllowed { return Self.notAllowed }
        if a == Self.empty { return b }
        if b == Self.empty { return a }
        return intern(.group(a, b))
    }

    mutating func interleave(_ a: PatternID, _ b: PatternID) -> PatternID {
        if a == Self.notAllowed || b == Self.notAllowed { return Self.notAllowed }
        if a == Self.empty { return b }
        if b == Self.empty { return a }
        // Interleave is commutative: one order for both keeps equal patterns equal.
        return a < b ? intern(.interleave(a, b)) : intern(.interleave(b, a))
    }

    mutating func after(_ a: PatternID, _ b: PatternID) -> PatternID {
        if a == Self.notAllowed || b == Self.notAllowed { return Self.notAllowed }
        return intern(.after(a, b))
    }

    mutating func oneOrMore(_ a: PatternID) -> PatternID {
        if a == Self.notAllowed || a == Self.empty { return a }
        return intern(.oneOrMore(a))
    }
}
