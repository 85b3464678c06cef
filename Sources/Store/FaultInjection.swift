import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A crash or a pause on purpose at a named point, for proving that work killed there resumes and that work
/// survives its database server restarting (the resumable-work and fault tests, and anyone reproducing a
/// report): `OVERBLIK_FAULT=scan-batch:3` kills the process with SIGKILL right after its third scan batch is
/// committed, `import-batch:N` after the Nth import batch, `compile-submission:N` after the Nth submission a
/// compile loaded, `file-index:N` after the Nth root's file index was read, `scan-finish:N` as the Nth root's scan
/// begins its finish. `point:N:pause:S` sleeps S seconds there instead (time for a test to restart the server, or
/// to start a second scan of the root).
/// Without the variable nothing happens.
package enum FaultInjection {
    private static let plan: (point: String, count: Int, pause: UInt32?)? = {
        guard let text = ProcessInfo.processInfo.environment["OVERBLIK_FAULT"] else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2 || (parts.count == 4 && parts[2] == "pause"), let count = Int(parts[1]), count > 0
        else { return nil }
        return (String(parts[0]), count, parts.count == 4 ? UInt32(parts[3]) : nil)
    }()
    private static let passed = Mutex(0)

    /// Counts a pass of `point`; the pass the variable names ends the process as a crash would, or pauses the
    /// calling task (suspended, so the cooperative pool's thread stays free for the process's other work).
    package static func passing(_ point: String) async {
        guard let plan, plan.point == point else { return }
        let count = passed.withLock { value -> Int in
            value += 1
            return value
        }
        guard count == plan.count else { return }
        if let pause = plan.pause {
            FileHandle.standardError.write(Data("fault injection: pausing \(pause) s at \(point) \(count)\n".utf8))
            try? await Task.sleep(for: .seconds(Int(pause)))
        } else {
            kill(getpid(), SIGKILL)
        }
    }
}
