public import Foundation

/// Locates the repository's shipped test data (`fixtures/`) and gives each test its own temporary folder.
public enum Fixtures {
    /// The repository root, found from this file's location (Tests/TestSupport/Fixtures.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `fixtures/` at the repository root.
    public static let root: URL = repositoryRoot.appendingPathComponent("fixtures", isDirectory: true)

    /// A file or folder under `fixtures/`, e.g. `url("odf/libreoffice-24.2.odt")`.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The shared corpus beside the project (`../shared`), only when a test opts in with
    /// `OVERBLIK_SHARED` (a path) or `OVERBLIK_CORPUS=1` (use `../shared`). Never required by the build.
    public static var sharedCorpus: URL? {
        let env = ProcessInfo.processInfo.environment
        if let path = env["OVERBLIK_SHARED"], !path.isEmpty { return URL(fileURLWithPath: path) }
        if env["OVERBLIK_CORPUS"] == "1" {
            return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)
        }
        return nil
    }

    /// A fresh, unique temporary directory; the caller removes it (or leaves it to the OS).
    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("overblik-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
