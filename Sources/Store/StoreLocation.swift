public import Foundation

/// Where an estate store lives: a SQLite file (the default) or a PostgreSQL server.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case sqliteInMemory
    case postgres(url: String)

    /// The file used when neither `--store` nor `OVERBLIK_STORE` names one.
    public static let defaultFileName = "overblik.sqlite"

    /// Resolves `--store VALUE`, then `OVERBLIK_STORE`, then `overblik.sqlite` in the working directory.
    public static func resolve(
        _ value: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> StoreLocation
    {
        let text = value ?? environment["OVERBLIK_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultFileName
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return .postgres(url: text) }
        if text == ":memory:" { return .sqliteInMemory }
        return .sqlite(path: text)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .sqliteInMemory: return ":memory:"
        case .postgres(let url):
            // Never echo a password.
            guard var parts = URLComponents(string: url) else { return "postgres://…" }
            if parts.password != nil { parts.password = "***" }
            return parts.string ?? "postgres://…"
        }
    }
}
