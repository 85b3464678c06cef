#define _GNU_SOURCE  // posix_spawn_file_actions_addclosefrom_np (glibc 2.34)
// The parent's side of the RELAX NG worker protocol: starting, feeding, timing out and reaping workers.
// In C because it needs posix_spawn, the environment and poll with a deadline, none of which Swift 6 reads
// comfortably from concurrent code.
#include "CRelaxNGWorker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

// Runs this executable again with the worker variable set to `role`, its stdin and stdout one end of a socket
// pair, stderr /dev/null; returns the other end.
static int spawn_role(const char *setting, pid_t *pid) {
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) return -1;
    size_t count = 0;
    while (environ[count] != NULL) count++;
    char **environment = calloc(count + 2, sizeof(char *));
    if (environment == NULL) {
        close(ends[0]);
        close(ends[1]);
        return -1;
    }
    memcpy(environment, environ, count * sizeof(char *));
    environment[count] = (char *)setting;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ends[1], 0);  // dup2 clears close-on-exec on 0 and 1
    posix_spawn_file_actions_adddup2(&actions, ends[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    // Nothing else the parent has open (a store's socket, an output file) goes with the worker: a descriptor
    // not marked close-on-exec would otherwise stay open as long as the worker lives.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    char *arguments[] = {"overblik-relaxng-worker", NULL};
    int failed = posix_spawn(pid, "/proc/self/exe", &actions, NULL, arguments, environment);
    posix_spawn_file_actions_destroy(&actions);
    free(environment);
    close(ends[1]);
    if (failed != 0) {
        close(ends[0]);
        return -1;
    }
    return ends[0];
}

int overblik_relaxng_spawn_worker(pid_t *pid) { return spawn_role(OVERBLIK_RELAXNG_WORKER_ENV "=1", pid); }

int overblik_relaxng_spawn_zygote(pid_t *pid) {
    return spawn_role(OVERBLIK_RELAXNG_WORKER_ENV "=" OVERBLIK_RELAXNG_ZYGOTE_ROLE, pid);
}

static int send_all(int socket, const void *buffer, size_t count) {
    const char *cursor = buffer;
    while (count > 0) {
        ssize_t put = send(socket, cursor, count, MSG_NOSIGNAL);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return -1;
        cursor += put;
        count -= (size_t)put;
    }
    return 0;
}

int overblik_relaxng_send(int socket, uint32_t cpu_limit_ms, const char *schema_path, const void *document,
                          uint64_t length) {
    uint32_t head[3] = {OVERBLIK_RELAXNG_REQUEST_MAGIC, cpu_limit_ms, (uint32_t)strlen(schema_path)};
    if (send_all(socket, head, sizeof head) != 0 || send_all(socket, schema_path, head[2]) != 0 ||
        send_all(socket, &length, sizeof length) != 0 || send_all(socket, document, length) != 0)
        return -1;
    return 0;
}

static int64_t now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

// Reads exactly `count` bytes into `buffer + *used`, growing it as needed, by `deadline`.
static int receive_exactly(int socket, int64_t deadline, uint8_t **buffer, size_t *capacity, size_t *used,
                           size_t count) {
    if (*used + count > *capacity) {
        size_t wanted = (*used + count) * 2;
        uint8_t *grown = realloc(*buffer, wanted);
        if (grown == NULL) return -1;
        *buffer = grown;
        *capacity = wanted;
    }
    size_t end = *used + count;
    while (*used < end) {
        int64_t left = deadline - now_ms();
        if (left <= 0) return 1;
        struct pollfd wait = {.fd = socket, .events = POLLIN};
        int ready = poll(&wait, 1, left > 60000 ? 60000 : (int)left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return -1;
        if (ready == 0) continue;
        ssize_t got = recv(socket, *buffer + *used, end - *used, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        *used += (size_t)got;
    }
    return 0;
}

int overblik_relaxng_receive(int socket, int64_t timeout_ms, uint8_t **response, size_t *length) {
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    size_t capacity = 256, used = 0;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) return -1;
    int outcome = receive_exactly(socket, deadline, &buffer, &capacity, &used, 20);
    uint32_t head[5];
    if (outcome == 0) {
        memcpy(head, buffer, sizeof head);
        if (head[0] != OVERBLIK_RELAXNG_RESPONSE_MAGIC || head[2] > OVERBLIK_RELAXNG_MAX_ISSUES) outcome = -1;
    }
    for (uint32_t i = 0; outcome == 0 && i < head[2]; i++) {
        outcome = receive_exactly(socket, deadline, &buffer, &capacity, &used, 8 + 4 + 4 + 4);
        if (outcome != 0) break;
        uint32_t message;
        memcpy(&message, buffer + used - 4, sizeof message);
        if (message > (1u << 20)) {
            outcome = -1;
            break;
        }
        outcome = receive_exactly(socket, deadline, &buffer, &capacity, &used, message);
    }
    if (outcome != 0) {
        free(buffer);
        return outcome;
    }
    *response = buffer;
    *length = used;
    return 0;
}

int overblik_relaxng_stop_worker(pid_t pid, int socket, int force) {
    if (force) kill(pid, SIGKILL);
    close(socket);  // an idle worker reads end-of-file and exits
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

int overblik_relaxng_ended_by_cpu_limit(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGPROF; }

int overblik_relaxng_ending_signal(int status) { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }

// --- The zygote -------------------------------------------------------------------------------------------------

// Reads the zygote's 12-byte answer (blocking: it answers once it has compiled and forked) and the descriptor
// that may come with it. Returns 0 and sets head and `*descriptor` (-1 when none), or -1.
static int zygote_answer(int control, uint32_t head[3], int *descriptor) {
    *descriptor = -1;
    union {
        char bytes[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ancillary;
    size_t got = 0;
    while (got < 3 * sizeof(uint32_t)) {
        struct iovec data = {.iov_base = (char *)head + got, .iov_len = 3 * sizeof(uint32_t) - got};
        struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1};
        message.msg_control = ancillary.bytes;
        message.msg_controllen = sizeof ancillary.bytes;
        ssize_t read = recvmsg(control, &message, MSG_CMSG_CLOEXEC);
        if (read < 0 && errno == EINTR) continue;
        if (read <= 0) break;
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&message); h != NULL; h = CMSG_NXTHDR(&message, h))
            if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) memcpy(descriptor, CMSG_DATA(h), sizeof(int));
        got += (size_t)read;
    }
    if (got == 3 * sizeof(uint32_t) && head[0] == OVERBLIK_RELAXNG_ZYGOTE_RESPONSE_MAGIC) return 0;
    if (*descriptor >= 0) close(*descriptor);
    *descriptor = -1;
    return -1;
}

int overblik_relaxng_zygote_fork(int control, const char *schema_path, pid_t *pid, int *compiled) {
    uint32_t head[3] = {OVERBLIK_RELAXNG_ZYGOTE_REQUEST_MAGIC, OVERBLIK_RELAXNG_ZYGOTE_FORK,
                        (uint32_t)strlen(schema_path)};
    if (head[2] > 4096 || send_all(control, head, sizeof head) != 0 ||
        send_all(control, schema_path, head[2]) != 0)
        return -1;
    int socket;
    if (zygote_answer(control, head, &socket) != 0) return -1;
    if ((int32_t)head[1] <= 0 || socket < 0) {
        if (socket >= 0) close(socket);
        return -1;
    }
    *pid = (pid_t)(int32_t)head[1];
    *compiled = head[2] != 0;
    return socket;
}

int overblik_relaxng_zygote_reap(int control, pid_t pid, int *status) {
    uint32_t head[3] = {OVERBLIK_RELAXNG_ZYGOTE_REQUEST_MAGIC, OVERBLIK_RELAXNG_ZYGOTE_REAP, (uint32_t)pid};
    if (send_all(control, head, sizeof head) != 0) return -1;
    int descriptor;
    if (zygote_answer(control, head, &descriptor) != 0) return -1;
    if (descriptor >= 0) close(descriptor);
    *status = (int)head[1];
    return (int32_t)head[1] == -1 ? -1 : 0;
}
