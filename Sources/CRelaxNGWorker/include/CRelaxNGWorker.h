#ifndef OVERBLIK_CRELAXNGWORKER_H
#define OVERBLIK_CRELAXNGWORKER_H
// A RELAX NG validation worker: a child process that runs libxml2's RELAX NG validator, one document at a time,
// for XMLKit's RelaxNGWorkerPool. Why a process: libxml2 2.9's RELAX NG validator can take hours on some real
// documents (its state sets grow without bound) and cannot be interrupted; a child can be killed at a deadline.
// Also keeps libxml2's thread-unsafe RELAX NG globals (type libraries, IDREF error routing) out of the
// multi-threaded parent.
//
// The parent starts the worker by running its own executable (/proc/self/exe) with the environment variable
// below set; a constructor in this library sees it and serves requests on stdin/stdout before main() runs, so
// any executable linking XMLKit (overblik, the test runner) can be its own worker.
//
// Protocol (host byte order; the worker is the same binary on the same machine):
//   request:  u32 magic 'ORQ1', u32 CPU-time limit in ms, u32 schema path length, path bytes, u64 document
//             length, document bytes
//   response: u32 magic 'ORS1', u32 status (below), u32 issue count, u32 CPU time used in ms, u32 line of the
//             root element, then per issue: i64 element ordinal (1-based document order of the element the
//             message is about, 0 none), i32 line (that element's when there is one), i32 column, u32 message
//             length, message bytes
// The worker parses the document as XMLKit's XMLTree does (same options; not well-formed, or a DOCTYPE that
// declares entities, is refused with libxml2's last error or the DOCTYPE's line as the one issue), so that the
// parent can send a part's own bytes without parsing it itself.
// The CPU-time limit (parsing and validating, not compiling the schema) is a profiling timer whose signal,
// SIGPROF, ends the worker: a work limit that a loaded machine does not shorten.
#define OVERBLIK_RELAXNG_WORKER_ENV "OVERBLIK_RELAXNG_WORKER"
#define OVERBLIK_RELAXNG_REQUEST_MAGIC 0x3151524fu
#define OVERBLIK_RELAXNG_RESPONSE_MAGIC 0x3153524fu
#define OVERBLIK_RELAXNG_MAX_ISSUES 20

// The zygote (the worker variable set to "zygote"): a single-threaded process that compiles each schema once
// and forks workers from itself, which inherit the compiled schemas copy-on-write. Its workers are its
// children: it reaps them when asked (the parent needs the wait status to see a CPU-limit end) and waits for
// the rest when the parent closes the control socket.
//   request:  u32 magic 'OZQ1', u32 operation (1 fork, 2 reap), u32 argument (fork: schema path length, then
//             the path, "" for none; reap: the worker's pid)
//   response: u32 magic 'OZS1', i32 value (fork: the worker's pid or -1, its socket passed as SCM_RIGHTS;
//             reap: the wait status or -1), u32 whether the schema compiled (fork)
#define OVERBLIK_RELAXNG_ZYGOTE_ROLE "zygote"
#define OVERBLIK_RELAXNG_ZYGOTE_REQUEST_MAGIC 0x31515a4fu
#define OVERBLIK_RELAXNG_ZYGOTE_RESPONSE_MAGIC 0x31535a4fu
#define OVERBLIK_RELAXNG_ZYGOTE_FORK 1u
#define OVERBLIK_RELAXNG_ZYGOTE_REAP 2u

enum overblik_relaxng_status {
    OVERBLIK_RELAXNG_VALID = 0,
    OVERBLIK_RELAXNG_INVALID = 1,
    OVERBLIK_RELAXNG_SCHEMA_FAILED = 2,
    OVERBLIK_RELAXNG_DOCUMENT_FAILED = 3,
    OVERBLIK_RELAXNG_MALFORMED = 4,
    OVERBLIK_RELAXNG_ENTITIES_DECLARED = 5,
};

/// The protocol version; also what makes the linker keep this library's worker entry point.
int overblik_relaxng_worker_protocol(void);
#endif

// --- The parent's side (used by XMLKit's RelaxNGWorkerPool) ---------------------------------------------------
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// Starts a worker: this executable again (/proc/self/exe) with the worker variable set, its stdin and stdout
/// one end of a socket pair, stderr /dev/null. Returns the parent's end (close-on-exec) and sets `*pid`; -1 on
/// failure.
int overblik_relaxng_spawn_worker(pid_t *pid);

/// Starts a zygote (see above) the same way; returns the parent's end of its control socket, -1 on failure.
int overblik_relaxng_spawn_zygote(pid_t *pid);

/// Asks the zygote for a worker that has the schema at `schema_path` compiled (the zygote compiles it first
/// when it has not yet). Returns the parent's socket to the worker (close-on-exec) and sets `*pid` and
/// `*compiled`; -1 when the zygote failed or is gone.
int overblik_relaxng_zygote_fork(int control, const char *schema_path, pid_t *pid, int *compiled);

/// Asks the zygote to reap its worker `pid` (killed, or told to stop by closing its socket) and sets `*status`
/// to its wait status. 0 on success, -1 when the zygote is gone.
int overblik_relaxng_zygote_reap(int control, pid_t pid, int *status);

/// Sends one request; 0 on success, -1 when the worker is gone.
int overblik_relaxng_send(int socket, uint32_t cpu_limit_ms, const char *schema_path, const void *document,
                          uint64_t length);

/// Receives one whole response within `timeout_ms` into a malloc'd buffer (`*response`, `*length`; free it).
/// Returns 0 on success, 1 when the time ran out, -1 when the worker stopped or sent nonsense.
int overblik_relaxng_receive(int socket, int64_t timeout_ms, uint8_t **response, size_t *length);

/// Ends a worker: SIGKILL first when `force` (it is stuck), then closes its socket and reaps it. Returns the
/// wait status.
int overblik_relaxng_stop_worker(pid_t pid, int socket, int force);

/// Whether a wait status says the worker ended at its CPU-time limit (SIGPROF).
int overblik_relaxng_ended_by_cpu_limit(int status);

/// The signal that ended a worker (0 when it exited).
int overblik_relaxng_ending_signal(int status);
