import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of one test's own, in a temporary folder on a port of its own, which the test may
/// restart or stop: the shared server that `scripts/with-postgres.sh` starts serves other tests at the same
/// time and must not be disturbed. Needs Debian's `postgresql` (which `make test` installs); as root, the
/// cluster belongs to the `postgres` system user, as `initdb` requires. Call ``shutDown()`` at the end of the test;
/// a server left running (a test that threw) is stopped when the object goes, on a thread of its own.
public final class PrivatePostgres: @unchecked Sendable {
    public var url: String { "postgres://overblik@127.0.0.1:\(port)/postgres" }
    private let directory: URL
    private let binaries: URL
    /// Chosen when the server first starts; a restart keeps it, since tests hold the URL.
    private var port: Int

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private var isShutDown = false

    public init(label: String) async throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let newest = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
            throw Failure(description: "PostgreSQL is not installed (apt-get install postgresql)")
        }
        binaries = URL(fileURLWithPath: "/usr/lib/postgresql/\(newest)/bin")
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("overblik-private-pg-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = Self.unusedPort()
        if getuid() == 0 {
            try await Self.run("/bin/chown", ["postgres:", directory.path])
        }
        try await run("initdb", ["-D", data, "-U", "overblik", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        // Another server of a test running beside this one may take the port between the check and the start:
        // the server then stops at once, and a new port is tried.
        for attempt in 1... {
            do {
                try await start()
                return
            } catch let failure as Failure where attempt < 5 && failure.description.contains("could not bind") {
                port = Self.unusedPort()
            }
        }
    }

    /// A port below Linux's ephemeral range (32768 and up by default), where the local ends of the tests'
    /// own client connections would collide with the server's, that nothing listens on now.
    private static func unusedPort() -> Int {
        while true {
            let candidate = Int.random(in: 10_000..<32_768)
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { return candidate }
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(candidate).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if bound == 0 { return candidate }
        }
    }

    private var data: String { directory.appendingPathComponent("data").path }

    /// Starts the server; when it does not start, the error carries the end of the server's own log, which
    /// says why (a port taken, shared memory refused), since the folder is gone when the test ends.
    public func start() async throws {
        let log = directory.appendingPathComponent("server.log")
        do {
            try await run(
                "pg_ctl",
                [
                    "-D", data, "-l", log.path, "-w", "-o",
                    "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start",
                ])
        } catch let failure as Failure {
            let tail = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(8)
            throw Failure(description: failure.description + "\nserver log:\n" + tail.joined(separator: "\n"))
        }
    }

    /// Stops the server as a crash or a power cut would (`immediate`: no checkpoint, clients cut off) or as an
    /// administrator would (`fast`).
    public func stop(mode: String = "immediate") async throws {
        try await run("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"])
    }

    public func restart(mode: String = "immediate") async throws {
        try await stop(mode: mode)
        try await start()
    }

    /// Stops the server (if it runs) and removes its folder.
    public func shutDown() async {
        isShutDown = true
        try? await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        guard !isShutDown else { return }
        let (stop, directory) = (command("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]), directory)
        Thread {
            var pid: pid_t = 0
            let argv = stop.map { strdup($0) } + [nil]
            if posix_spawn(&pid, stop[0], nil, nil, argv, environ) == 0 {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
            argv.forEach { free($0) }
            try? FileManager.default.removeItem(at: directory)
        }.start()
    }

    /// The command line that runs one of the server's tools (as `postgres` when the tests run as root).
    private func command(_ tool: String, _ arguments: [String]) -> [String] {
        let path = binaries.appendingPathComponent(tool).path
        return getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
    }

    private func run(_ tool: String, _ arguments: [String]) async throws {
        let line = command(tool, arguments)
        try await Self.run(line[0], Array(line.dropFirst()))
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws {
        let outcome = try await ChildProcess.run(executable, arguments)
        guard outcome.status == 0 else {
            throw Failure(
                description:
                    "\(executable) \(arguments.joined(separator: " ")) failed (\(outcome.status)): \(outcome.output)")
        }
    }
}
