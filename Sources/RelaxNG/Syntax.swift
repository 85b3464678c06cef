/// A define of one grammar (`scope`), or its start (`name` == ``DefineKey/start``). Nested grammars get scopes
/// of their own, so equal names in different grammars stay apart (spec 4.18).
struct DefineKey: Hashable, Sendable {
    static let start = "#start"
    var scope: Int
    var name: String
}

/// A pattern as read from the schema after the syntactic simplifications of spec section 4 (inherited `ns` and
/// `datatypeLibrary` applied, QNames expanded, optional/zeroOrMore/mixed rewritten, several children grouped).
/// Datatypes and values are numbers in the loader's tables.
indirect enum Syntax: Sendable {
    case empty
    case notAllowed
    case text
    case element(NameClass, Syntax)
    case attribute(NameClass, Syntax)
    case group([Syntax])
    case interleave([Syntax])
    case choice([Syntax])
    case oneOrMore(Syntax)
    case list(Syntax)
    case data(datatype: Int32, except: Syntax?)
    case value(datatype: Int32, value: Int32)
    case ref(DefineKey)
}

/// A `value` pattern's text with the namespace bindings in scope where it was written.
struct SchemaValue: Sendable {
    var text: String
    var context: NamespaceContext
}
