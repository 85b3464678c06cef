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

    /// Runs a tool to its end with `posix_spawn` and `waitpid`, its output into a file. Not Foundation's
    /// `Process`: `pg_ctl start` leaves a daemon behind that inherits the child's descriptors, and `Process`
    /// then never saw the child end (its reaper waits on a descriptor the daemon keeps open).
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let log = NSTemporaryDirectory() + "pg-tool-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "\(executable) could not start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
    }
}
