/// Why a RELAX NG schema cannot be used: the schema file, the line, and what is wrong or unsupported.
public struct RelaxNGSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The schema file (its path as given) in which the problem is.
    public var schema: String
    /// 1-based line, 0 when not known.
    public var line: Int
    public var message: String

    public var description: String { "\(schema)\(line > 0 ? ":\(line)" : ""): \(message)" }
}
