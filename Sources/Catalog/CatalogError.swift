/// Everything that can go wrong loading or validating a catalog.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A shipped resource is missing from the bundle (a packaging fault).
    case missingResource(String)
    /// A catalog file could not be read.
    case unreadable(file: String, reason: String)
    /// A catalog file is not valid YAML or does not follow the catalog schema.
    case invalid(file: String, line: Int?, message: String)
    /// A rule's pattern is not a valid regular expression.
    case badPattern(file: String, product: String, pattern: String, reason: String)

    public var description: String {
        switch self {
        case .missingResource(let name): "catalog resource \(name) is missing from the bundle"
        case .unreadable(let file, let reason): "cannot read catalog \(file): \(reason)"
        case .invalid(let file, let line, let message):
            if let line { "\(file):\(line): \(message)" } else { "\(file): \(message)" }
        case .badPattern(let file, let product, let pattern, let reason):
            "\(file): product \(product): bad pattern \(pattern): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
