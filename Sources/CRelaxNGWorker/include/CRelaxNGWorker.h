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
//   response: u32 magic 'ORS1', u32 status (0 valid, 1 invalid, 2 schema does not compile, 3 document does not
//             parse), u32 issue count, u32 CPU time used in ms, then per issue: i64 element ordinal (1-based
//             document order of the element the message is about, 0 none), i32 line, i32 column, u32 message
//             length, message bytes
// The CPU-time limit (parsing and validating, not compiling the schema) is a profiling timer whose signal,
// SIGPROF, ends the worker: a work limit that a loaded machine does not shorten.
#define OVERBLIK_RELAXNG_WORKER_ENV "OVERBLIK_RELAXNG_WORKER"
#define OVERBLIK_RELAXNG_REQUEST_MAGIC 0x3151524fu
#define OVERBLIK_RELAXNG_RESPONSE_MAGIC 0x3153524fu
#define OVERBLIK_RELAXNG_MAX_ISSUES 20

enum overblik_relaxng_status {
    OVERBLIK_RELAXNG_VALID = 0,
    OVERBLIK_RELAXNG_INVALID = 1,
    OVERBLIK_RELAXNG_SCHEMA_FAILED = 2,
    OVERBLIK_RELAXNG_DOCUMENT_FAILED = 3,
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
