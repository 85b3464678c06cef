public import Store
import OverblikModel

/// Opens an estate store from a `--store` value: a SQLite file path or a `postgres://` URL.
public enum EstateStoreFactory {
    public static func open(_ location: StoreLocation) async throws -> any EstateStore {
        switch location {
        // Opening migrates in a write transaction, which waits (up to the busy timeout) while another process
        // writes the file: on a thread of its own, not one of Swift's cooperative pool.
        case .sqlite(let path): return try await DedicatedThread.run { try SQLiteEstateStore(path: path) }
        case .sqliteInMemory: return try SQLiteEstateStore(path: nil)
        case .postgres(let url): return try await PostgresEstateStore(url: url)
        }
    }

    /// `--store VALUE`, else `OVERBLIK_STORE`, else `overblik.sqlite`.
    public static func open(_ value: String?) async throws -> any EstateStore {
        try await open(StoreLocation.resolve(value))
    }
}
