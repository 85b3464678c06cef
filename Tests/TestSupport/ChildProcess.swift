import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program run to its end with `posix_spawn` and `waitpid` (on a thread of its own, see ChildWaits.swift), its standard output and error into one file: the
/// exit status, its wall time and, when asked, its peak memory. Not Foundation's `Process`: `pg_ctl start`
/// leaves a daemon behind that inherits the child's descriptors, and `Process` then never saw the child end.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        /// Peak resident memory of the program, in bytes, when `measuringMemory` was asked (else 0).
        public var peakMemory: Int
        /// CPU seconds (user and system) the program used, when `measuringMemory` was asked (else 0): a bound on
        /// its work that a busy machine cannot break, as it can a wall-clock bound.
        public var cpuSeconds: Double = 0
        public var seconds: Double
        /// What it wrote to standard output and error.
        public var output: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `measuringMemory`: through GNU `time` (Debian's `time`, which `make test` installs). A child's own
    /// `ru_maxrss` cannot be used: `posix_spawn` starts it in the test process's memory (vfork), and Linux
    /// counts that process's high-water mark, hundreds of MB late in a run, as the child's when it execs.
    /// `time` forks from its own small memory, so the figure it reports is the program's alone.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        measuringMemory: Bool = false
    ) async throws -> Outcome {
        if measuringMemory {
            let report = NSTemporaryDirectory() + "child-\(UUID().uuidString).rss"
            defer { try? FileManager.default.removeItem(atPath: report) }
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
                throw Failure(description: "GNU time is not installed (apt-get install time)")
            }
            var outcome = try await run(
                "/usr/bin/time", ["-f", "%M %U %S", "-o", report, executable] + arguments, environment: environment)
            let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            // The last line: "Command terminated by signal" may come before it.
            let figures = text.split(separator: "\n").last?.split(separator: " ") ?? []
            outcome.peakMemory = (figures.first.flatMap { Int($0) } ?? 0) * 1024
            outcome.cpuSeconds = figures.dropFirst().compactMap { Double($0) }.reduce(0, +)
            return outcome
        }
        let log = NSTemporaryDirectory() + "child-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        let envp = variables + [nil]
        defer { variables.forEach { free($0) } }
        let started = Date()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw Failure(description: "\(executable) could not start: \(String(cString: strerror(spawned)))")
        }
        let status = await exitStatus(of: pid)
        return Outcome(
            status: status, peakMemory: 0,
            seconds: Date().timeIntervalSince(started),
            output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
