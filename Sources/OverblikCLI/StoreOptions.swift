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
            throw ValidationError(
                "No estate store at \(path). Give --store (or set OVERBLIK_STORE), or run scan/import/compile first.")
        }
        do {
            return try await EstateStoreFactory.open(location)
        } catch {
            throw ValidationError("\(error)")
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
