import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A crash on purpose at a named point, for proving that work killed there resumes (the resumable-work tests,
/// and anyone reproducing a report of a lost scan): `OVERBLIK_FAULT=scan-batch:3` kills the process with
/// SIGKILL right after its third scan batch is committed, `import-batch:N` after the Nth import batch.
/// Without the variable nothing happens.
enum FaultInjection {
    private static let plan: (point: String, count: Int)? = {
        guard let text = ProcessInfo.processInfo.environment["OVERBLIK_FAULT"] else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]), count > 0 else { return nil }
        return (String(parts[0]), count)
    }()
    private static let passed = Mutex(0)

    /// Counts a pass of `point`; the pass the variable names ends the process as a crash would.
    static func passing(_ point: String) {
        guard let plan, plan.point == point else { return }
        let count = passed.withLock { value -> Int in
            value += 1
            return value
        }
        if count == plan.count { kill(getpid(), SIGKILL) }
    }
}
