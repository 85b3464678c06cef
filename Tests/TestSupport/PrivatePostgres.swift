import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of one test's own, in a temporary folder on a port of its own, which the test may
/// restart or stop: the shared server that `scripts/with-postgres.sh` starts serves other tests at the same
/// time and must not be disturbed. Needs Debian's `postgresql` (which `make test` installs); as root, the
/// cluster belongs to the `postgres` system user, as `initdb` requires.
public final class PrivatePostgres: @unchecked Sendable {
    public let url: String
    private let directory: URL
    private let binaries: URL
    private let port: Int

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(label: String) throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let newest = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
            throw Failure(description: "PostgreSQL is not installed (apt-get install postgresql)")
        }
        binaries = URL(fileURLWithPath: "/usr/lib/postgresql/\(newest)/bin")
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("overblik-private-pg-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = 41_000 + Int.random(in: 0..<9_000)
        url = "postgres://overblik@127.0.0.1:\(port)/postgres"
        if getuid() == 0 {
            try Self.run("/bin/chown", ["postgres:", directory.path])
        }
        try run("initdb", ["-D", data, "-U", "overblik", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        try start()
    }

    private var data: String { directory.appendingPathComponent("data").path }

    public func start() throws {
        try run(
            "pg_ctl",
            [
                "-D", data, "-l", directory.appendingPathComponent("server.log").path, "-w", "-o",
                "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ])
    }

    /// Stops the server as a crash or a power cut would (`immediate`: no checkpoint, clients cut off) or as an
    /// administrator would (`fast`).
    public func stop(mode: String = "immediate") throws {
        try run("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"])
    }

    public func restart(mode: String = "immediate") throws {
        try stop(mode: mode)
        try start()
    }

    deinit {
        try? stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let path = binaries.appendingPathComponent(tool).path
        if getuid() == 0 {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        } else {
            try Self.run(path, arguments)
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let outcome = try ChildProcess.run(executable, arguments)
        guard outcome.status == 0 else {
            throw Failure(
                description:
                    "\(executable) \(arguments.joined(separator: " ")) failed (\(outcome.status)): \(outcome.output)")
        }
    }
}
