import Foundation

/// Runs synchronous, blocking work on a thread of its own while the calling task is suspended: a scan or import
/// feeding the store through `BlockingBridge`, a wait for a child process (LibreOffice, a RELAX NG worker, a test's
/// `overblik`), a sleep. Swift's cooperative pool has one thread per core (two on a small server); a thread of it
/// blocked on work that itself needs the pool (a store's async work holding a lock a child waits for) can stall
/// the whole process, so such waits never run on it.
public enum DedicatedThread {
    private final class Work<T>: @unchecked Sendable {
        let body: () throws -> T
        init(_ body: @escaping () throws -> T) { self.body = body }
    }

    public static func run<T: Sendable>(stackSize: Int = 8 << 20, _ body: @escaping () throws -> T) async throws -> T {
        let work = Work(body)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try work.body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.stackSize = stackSize
            thread.start()
        }
    }
}
