public import Foundation
import OverblikModel

#if canImport(Glibc)
import Glibc
#endif

// Waiting for a child process (the real `overblik`, Python, Jing, psql, pg_ctl), reading its pipe, or sleeping
// never blocks a thread of Swift's cooperative pool: it has one thread per core (two on CI), and two tests
// blocked there once starved the in-process store work that held a PostgreSQL lock their children waited for
// (the suite hung). These waits run on a thread of their own (``DedicatedThread``) while the test's task is
// suspended.

extension Process {
    /// Waits until the program has ended; `terminationStatus` and `terminationReason` are then set.
    public func ended() async {
        _ = try? await DedicatedThread.run { self.waitUntilEnded() }
    }

    /// Blocks the calling thread until the program has ended. `waitid(WNOWAIT)` sleeps in the kernel until the
    /// child exits without reaping it (Foundation reaps it and sets the status); Foundation's own
    /// `waitUntilExit` spins a run loop instead.
    private func waitUntilEnded() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        while isRunning { usleep(1_000) }
    }
}

extension Pipe {
    /// Everything written into the pipe until every writer has closed it.
    public func readAll() async -> Data {
        let handle = fileHandleForReading
        return (try? await DedicatedThread.run { handle.readDataToEndOfFile() }) ?? Data()
    }
}

extension ChildProcess {
    /// The exit status of child `pid` once it has ended, reaped with `waitpid`: the exit code, or 128 + the
    /// signal that ended it.
    static func exitStatus(of pid: pid_t) async -> Int32 {
        let status = try? await DedicatedThread.run { () -> Int32 in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signal = status & 0x7F
            return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        }
        return status ?? -1
    }
}
