import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program run to its end with `posix_spawn` and `wait4`, its standard output and error into one file: the
/// exit status, the child's own peak memory and its wall time. Not Foundation's `Process`: `pg_ctl start`
/// leaves a daemon behind that inherits the child's descriptors, and `Process` then never saw the child end;
/// and `wait4` gives this child's peak RSS, where `getrusage(RUSAGE_CHILDREN)` mixes in every other test's.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        /// Peak resident memory of the child, in bytes.
        public var peakMemory: Int
        public var seconds: Double
        /// What it wrote to standard output and error.
        public var output: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    ) throws -> Outcome {
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
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return Outcome(
            status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, peakMemory: Int(usage.ru_maxrss) * 1024,
            seconds: Date().timeIntervalSince(started),
            output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
