public import ArgumentParser
import Foundation
import OverblikModel
import Store
import StorePostgres

/// `--store PATH|postgres://...`, shared by every command that reads or writes the estate store.
public struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Estate store: a SQLite file or a postgres:// URL (default: $OVERBLIK_STORE, else overblik.sqlite).",
            valueName: "PATH|URL"))
    public var store: String?

    public init() {}

    var location: StoreLocation { StoreLocation.resolve(store) }

    /// Opens the store, creating a new SQLite file only when `create` is true.
    func open(create: Bool) async throws -> any EstateStore {
        let location = self.location
        if case .sqlite(let path) = location, !create, !FileManager.default.fileExists(atPath: path) {
            throw CommandError.noStore(path: path)
        }
        return try await EstateStoreFactory.open(location)
    }

    /// Opens the existing store, runs `body` with it and closes it, also when `body` throws.
    func using<T>(_ body: (any EstateStore) async throws -> T) async throws -> T {
        let store = try await open(create: false)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Writes `data` to a temporary file beside `url`, flushes it and renames it into place (no half-written file,
/// even on a full disk or a crash).
func writeAtomically(_ data: Data, to url: URL) throws {
    try DurableFile.write(data, to: url)
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
