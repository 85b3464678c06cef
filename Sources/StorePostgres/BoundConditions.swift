import PostgresNIO

/// A filter whose values are bound, never spliced into the SQL: each condition names its value as `$n`.
struct BoundConditions {
    private(set) var binds = PostgresBindings()
    private var conditions: [String] = []

    /// `column = $n`, with `value` bound as parameter n.
    mutating func add(_ column: String, equals value: some PostgresDynamicTypeEncodable) {
        binds.append(value)
        conditions.append("\(column) = $\(binds.count)")
    }

    /// The query `template` makes of the clause (`WHERE a = $1 AND b = $2`, or empty without conditions);
    /// `keyword` is `AND` when the template already has a WHERE.
    func query(keyword: String = "WHERE", _ template: (String) -> String) -> PostgresQuery {
        let clause = conditions.isEmpty ? "" : "\(keyword) " + conditions.joined(separator: " AND ")
        return PostgresQuery(unsafeSQL: template(clause), binds: binds)
    }
}
