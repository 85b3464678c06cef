import CRelaxNGWorker
import Glibc
import Synchronization

/// The zygote process (see CRelaxNGWorker.h): compiles each schema once for the whole run and forks the RELAX NG
/// workers from itself, so that a worker costs a fork instead of compiling every schema again (about 0.15 s of
/// CPU per main ODF schema), also after a worker was killed at its CPU-time limit. Started on first use; turned
/// off with `OVERBLIK_RELAXNG_ZYGOTE=off`, when each worker is started from this executable and compiles its
/// own schemas (the model before the zygote).
final class RelaxNGZygote: Sendable {
    private struct State {
        var control: Int32 = -1
        var pid: pid_t = 0
        /// Counts the zygotes started, so that a worker of a stopped one is not reaped through its successor.
        var generation = 0
        /// Schemas the zygote has compiled (each worker forked now inherits them).
        var compiled: Set<String> = []
        /// Workers forked and not yet reaped.
        var outstanding = 0
        /// The zygote could not be started or stopped answering: workers are started the old way.
        var broken = false
    }

    private let state = Mutex(State())
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    /// Whether the environment leaves the zygote on.
    static var enabledByEnvironment: Bool {
        guard let setting = getenv("OVERBLIK_RELAXNG_ZYGOTE") else { return true }
        return !["off", "0", "no"].contains(String(cString: setting).lowercased())
    }

    /// A worker that has the schema at `schemaPath` compiled (and every schema compiled for earlier workers);
    /// nil when the zygote is off or broken (the caller starts a worker the old way).
    func forkWorker(schemaPath: String) -> (pid: pid_t, socket: Int32, schemas: Set<String>, generation: Int)? {
        guard enabled else { return nil }
        return state.withLock { state in
            guard !state.broken else { return nil }
            if state.control < 0 {
                var pid: pid_t = 0
                let control = overblik_relaxng_spawn_zygote(&pid)
                guard control >= 0 else {
                    state.broken = true
                    return nil
                }
                state.control = control
                state.pid = pid
                state.generation += 1
                state.compiled = []
            }
            var pid: pid_t = 0
            var compiled: Int32 = 0
            let socket = overblik_relaxng_zygote_fork(state.control, schemaPath, &pid, &compiled)
            guard socket >= 0 else {
                Self.stop(&state, force: true)
                state.broken = true
                return nil
            }
            // A schema that does not compile is remembered too: the worker then answers "does not compile".
            state.compiled.insert(schemaPath)
            state.outstanding += 1
            return (pid, socket, state.compiled, state.generation)
        }
    }

    /// Reaps worker `pid` of zygote `generation` (its socket is closed, or it was killed) and returns its wait
    /// status; 0 when that zygote is gone (its orphaned workers are reaped by init).
    func reap(_ pid: pid_t, generation: Int) -> Int32 {
        state.withLock { state in
            guard generation == state.generation, state.control >= 0 else { return 0 }
            state.outstanding -= 1
            var status: Int32 = 0
            guard overblik_relaxng_zygote_reap(state.control, pid, &status) == 0 else {
                Self.stop(&state, force: true)
                state.broken = true
                return 0
            }
            return status
        }
    }

    /// Process id of the running zygote, if any.
    var runningID: pid_t? { state.withLock { $0.control >= 0 ? $0.pid : nil } }

    /// Stops the zygote once none of its workers is left (it waits for them before it exits, so that their CPU
    /// time is counted as this process's children's), and returns its pid; nil when it keeps running or none
    /// runs.
    func stopIfUnused() -> pid_t? {
        state.withLock { state in
            guard state.control >= 0, state.outstanding == 0 else { return nil }
            let pid = state.pid
            Self.stop(&state, force: false)
            return pid
        }
    }

    private static func stop(_ state: inout State, force: Bool) {
        guard state.control >= 0 else { return }
        _ = overblik_relaxng_stop_worker(state.pid, state.control, force ? 1 : 0)
        state.control = -1
        state.compiled = []
        state.outstanding = 0
    }
}
