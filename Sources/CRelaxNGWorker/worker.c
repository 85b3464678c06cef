// The RELAX NG worker process: see include/CRelaxNGWorker.h for why it exists and its protocol.
// Single-threaded by construction (one request at a time), so libxml2's process-wide state is safe to use here.
#undef LIBXML_ICU_ENABLED
#include "CRelaxNGWorker.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

int overblik_relaxng_worker_protocol(void) { return 1; }

// --- I/O on the two pipes ------------------------------------------------------------------------------------

static int read_full(void *buffer, size_t count) {
    char *cursor = buffer;
    while (count > 0) {
        ssize_t got = read(0, cursor, count);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;  // the parent closed the pipe (or died): time to go
        cursor += got;
        count -= (size_t)got;
    }
    return 0;
}

static int write_full(const void *buffer, size_t count) {
    const char *cursor = buffer;
    while (count > 0) {
        ssize_t put = write(1, cursor, count);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return -1;
        cursor += put;
        count -= (size_t)put;
    }
    return 0;
}

// --- Schemas, each compiled once per worker ------------------------------------------------------------------

#define MAX_SCHEMAS 32
static struct {
    char *path;
    xmlRelaxNGPtr schema;
} schemas[MAX_SCHEMAS];
static int schema_count;

static void ignore_error(void *context, xmlErrorPtr error) {
    (void)context;
    (void)error;
}

static xmlRelaxNGPtr schema_for(const char *path) {
    for (int i = 0; i < schema_count; i++)
        if (strcmp(schemas[i].path, path) == 0) return schemas[i].schema;
    xmlRelaxNGParserCtxtPtr parser = xmlRelaxNGNewParserCtxt(path);
    if (parser == NULL) return NULL;
    xmlRelaxNGSetParserStructuredErrors(parser, ignore_error, NULL);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(parser);
    xmlRelaxNGFreeParserCtxt(parser);
    if (schema != NULL && schema_count < MAX_SCHEMAS) {
        schemas[schema_count].path = strdup(path);
        schemas[schema_count].schema = schema;
        schema_count++;
    }
    return schema;
}

// --- Collecting libxml2's validity errors ---------------------------------------------------------------------

struct issue {
    xmlNodePtr node;
    int line;
    int column;
    char *message;
};

static struct {
    struct issue issues[OVERBLIK_RELAXNG_MAX_ISSUES];
    int count;
    int ignored;
} found;

static void record_error(void *context, xmlErrorPtr error) {
    (void)context;
    if (error == NULL) return;
    // ID/IDREF cross-reference checks are DTD-compatibility extras that `jing -i` leaves out too. libxml2 2.9
    // raises them from xmlValidateDocumentFinal without the validation context's handler, so they arrive
    // through the process-wide structured handler installed in serve().
    if (error->code == XML_DTD_UNKNOWN_ID || error->code == XML_DTD_ID_REDEFINED) {
        found.ignored++;
        return;
    }
    if (error->level < XML_ERR_ERROR || found.count >= OVERBLIK_RELAXNG_MAX_ISSUES) return;
    xmlNodePtr node = error->node;
    int line = error->line;
    if (line == 0 && node != NULL) line = (int)xmlGetLineNo(node);
    const char *text = error->message != NULL ? error->message : "invalid";
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r' || text[length - 1] == ' '))
        length--;
    if (found.count > 0) {  // libxml2 repeats one mistake up the tree (and on each sibling of one line)
        struct issue *last = &found.issues[found.count - 1];
        if (last->line == line && last->column == error->int2 &&
            strlen(last->message) == length && strncmp(last->message, text, length) == 0)
            return;
    }
    struct issue *issue = &found.issues[found.count++];
    issue->node = node;
    issue->line = line;
    issue->column = error->int2;
    issue->message = strndup(text, length);
}

// The 1-based document-order number of `target`'s nearest element (itself or an ancestor), 0 when none: the
// parent finds the element in its own copy of the tree by this number and takes the line from there.
// The line sent is that element's line (libxml2's own line can be another node's, or capped at 65,535), so that
// it is the same whether the parent takes it from its copy of the tree or, having sent the part's own bytes,
// from here.
static int64_t element_ordinal(xmlDocPtr document, xmlNodePtr target, int32_t *line) {
    while (target != NULL && target->type != XML_ELEMENT_NODE) target = target->parent;
    if (target == NULL) return 0;
    *line = (int32_t)xmlGetLineNo(target);
    int64_t ordinal = 0;
    xmlNodePtr node = xmlDocGetRootElement(document);
    while (node != NULL) {
        if (node->type == XML_ELEMENT_NODE) {
            ordinal++;
            if (node == target) return ordinal;
            if (node->children != NULL) {
                node = node->children;
                continue;
            }
        }
        while (node != NULL && node->next == NULL) {
            node = node->parent;
            if (node == NULL || node->type == XML_DOCUMENT_NODE) return 0;
        }
        if (node != NULL) node = node->next;
    }
    return 0;
}

// --- One request -----------------------------------------------------------------------------------------------

static int64_t cpu_ms(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (int64_t)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

// Arms (or, with 0, disarms) the CPU-time limit: SIGPROF's default action ends the process.
static void limit_cpu(uint32_t milliseconds) {
    struct itimerval timer = {0};
    timer.it_value.tv_sec = milliseconds / 1000;
    timer.it_value.tv_usec = (milliseconds % 1000) * 1000;
    setitimer(ITIMER_PROF, &timer, NULL);
}

static int respond(uint32_t status, xmlDocPtr document, uint32_t cpu_used) {
    xmlNodePtr root = document != NULL ? xmlDocGetRootElement(document) : NULL;
    uint32_t root_line = root != NULL ? (uint32_t)xmlGetLineNo(root) : 1;
    uint32_t head[5] = {OVERBLIK_RELAXNG_RESPONSE_MAGIC, status, (uint32_t)found.count, cpu_used, root_line};
    if (write_full(head, sizeof head) != 0) return -1;
    for (int i = 0; i < found.count; i++) {
        struct issue *issue = &found.issues[i];
        int32_t where[2] = {issue->line, issue->column};
        int64_t ordinal = document != NULL ? element_ordinal(document, issue->node, &where[0]) : 0;
        uint32_t length = (uint32_t)strlen(issue->message);
        if (write_full(&ordinal, sizeof ordinal) != 0 || write_full(where, sizeof where) != 0 ||
            write_full(&length, sizeof length) != 0 || write_full(issue->message, length) != 0)
            return -1;
    }
    return 0;
}

static void forget_issues(void) {
    for (int i = 0; i < found.count; i++) free(found.issues[i].message);
    found.count = 0;
    found.ignored = 0;
}

static uint32_t validate(xmlRelaxNGPtr schema, xmlDocPtr document) {
    xmlRelaxNGValidCtxtPtr context = xmlRelaxNGNewValidCtxt(schema);
    if (context == NULL) return OVERBLIK_RELAXNG_SCHEMA_FAILED;
    xmlRelaxNGSetValidStructuredErrors(context, record_error, NULL);
    int result = xmlRelaxNGValidateDoc(context, document);
    xmlRelaxNGFreeValidCtxt(context);
    if (result == 0) return OVERBLIK_RELAXNG_VALID;
    // Invalid only because of ignored ID/IDREF checks: valid, as for `jing -i`.
    if (found.count == 0 && found.ignored > 0) return OVERBLIK_RELAXNG_VALID;
    return OVERBLIK_RELAXNG_INVALID;
}

// Parsing options as XMLKit's XMLTree: no network, no DTD loading, no entity substitution, no printing.
static const int parse_options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
                                 XML_PARSE_COMPACT;

// Whether a DOCTYPE's internal subset declares any entity (refused, as XMLKit's XMLTree does).
static int declares_entities(xmlDtdPtr subset) {
    for (xmlNodePtr child = subset->children; child != NULL; child = child->next)
        if (child->type == XML_ENTITY_DECL) return 1;
    return 0;
}

// Records why a part is not well-formed as its one issue (XMLTree's rules: libxml2's last error, or a DOCTYPE
// that declares entities, with its line and column); the parent turns it into the same XMLError as XMLTree would.
static void record_malformed(const char *message, int line, int column) {
    struct issue *issue = &found.issues[found.count++];
    issue->node = NULL;
    issue->line = line;
    issue->column = column;
    issue->message = strdup(message);
}

// Parses the document as XMLTree does; parse-time messages (such as libxml2's xml:id checks, which NOERROR does
// not silence) go to a handler that drops them instead of the process-wide one that collects validity errors.
// NULL with `*status` set (and the reason recorded) when the part is not well-formed or declares entities.
static xmlDocPtr parse(const char *bytes, int size, uint32_t *status) {
    xmlParserCtxtPtr parser = xmlNewParserCtxt();
    *status = OVERBLIK_RELAXNG_DOCUMENT_FAILED;
    if (parser == NULL) return NULL;
    parser->sax->serror = ignore_error;
    xmlDocPtr document = xmlCtxtReadMemory(parser, bytes, size, NULL, NULL, parse_options);
    if (document == NULL || parser->wellFormed == 0) {
        if (document != NULL) xmlFreeDoc(document);
        document = NULL;
        *status = OVERBLIK_RELAXNG_MALFORMED;
        xmlErrorPtr error = xmlCtxtGetLastError(parser);
        if (error != NULL)
            record_malformed(error->message != NULL ? error->message : "parse error", error->line, error->int2);
    } else if (document->intSubset != NULL && declares_entities(document->intSubset)) {
        *status = OVERBLIK_RELAXNG_ENTITIES_DECLARED;
        record_malformed("", (int)xmlGetLineNo((xmlNodePtr)document->intSubset), 0);
        xmlFreeDoc(document);
        document = NULL;
    }
    xmlFreeParserCtxt(parser);
    return document;
}

static int serve_one(void) {
    uint32_t head[3];
    if (read_full(head, sizeof head) != 0 || head[0] != OVERBLIK_RELAXNG_REQUEST_MAGIC || head[2] > 4096) return -1;
    char path[4097];
    if (read_full(path, head[2]) != 0) return -1;
    path[head[2]] = 0;
    uint64_t size;
    if (read_full(&size, sizeof size) != 0 || size > INT32_MAX) return -1;
    char *bytes = malloc(size > 0 ? size : 1);
    if (bytes == NULL || read_full(bytes, size) != 0) return -1;
    xmlRelaxNGPtr schema = schema_for(path);  // compiling is not the document's work: before the limit
    if (schema == NULL) {
        free(bytes);
        return respond(OVERBLIK_RELAXNG_SCHEMA_FAILED, NULL, 0);
    }
    int64_t start = cpu_ms();
    limit_cpu(head[1] > 0 ? head[1] : 1);
    uint32_t status;
    xmlDocPtr document = parse(bytes, (int)size, &status);
    free(bytes);
    if (document != NULL) status = validate(schema, document);
    limit_cpu(0);
    int written = respond(status, document, (uint32_t)(cpu_ms() - start));
    if (document != NULL) xmlFreeDoc(document);
    forget_issues();
    return written;
}

static void prepare(void) {
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();
    xmlSetStructuredErrorFunc(NULL, record_error);  // see record_error: libxml2's IDREF errors come this way
}

// --- The zygote: compiles each schema once and forks workers that inherit them ---------------------------------

// Sends the zygote's answer, with `descriptor` (when >= 0) passed along as SCM_RIGHTS.
static int answer_zygote_request(int32_t value, uint32_t compiled, int descriptor) {
    uint32_t head[3] = {OVERBLIK_RELAXNG_ZYGOTE_RESPONSE_MAGIC, (uint32_t)value, compiled};
    struct iovec data = {.iov_base = head, .iov_len = sizeof head};
    union {
        char bytes[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1};
    if (descriptor >= 0) {
        memset(&control, 0, sizeof control);
        message.msg_control = control.bytes;
        message.msg_controllen = sizeof control.bytes;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &descriptor, sizeof(int));
    }
    ssize_t sent;
    do {
        sent = sendmsg(1, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) return -1;
    return (size_t)sent == sizeof head ? 0 : write_full((char *)head + sent, sizeof head - (size_t)sent);
}

// Compiles the schema at `path` (when not yet) and forks a worker that serves requests on a new socket pair.
// Forking is safe here: the zygote is single-threaded and holds no lock. Returns the worker's pid (-1 on
// failure) and sets `*parent_end` to the socket the parent talks to it on.
static pid_t fork_worker(const char *path, uint32_t *compiled, int *parent_end) {
    *compiled = path[0] != 0 && schema_for(path) != NULL;
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        // The worker's stdin and stdout become its own socket (dup2 clears close-on-exec); the zygote's control
        // socket, which was there, is no longer open in it.
        if (dup2(ends[1], 0) < 0 || dup2(ends[1], 1) < 0) _exit(1);
        close(ends[0]);
        close(ends[1]);
        forget_issues();
        while (serve_one() == 0) {
        }
        _exit(0);
    }
    close(ends[1]);
    if (pid < 0) {
        close(ends[0]);
        return -1;
    }
    *parent_end = ends[0];
    return pid;
}

// Requests on stdin/stdout: fork a worker (answered with its socket), or reap one (answered with its wait
// status). When the parent closes the control socket, every remaining worker is waited for, so that their CPU
// time reaches the parent's accounting when it reaps the zygote.
static void serve_zygote(void) {
    for (;;) {
        uint32_t head[3];
        if (read_full(head, sizeof head) != 0 || head[0] != OVERBLIK_RELAXNG_ZYGOTE_REQUEST_MAGIC) break;
        if (head[1] == OVERBLIK_RELAXNG_ZYGOTE_FORK) {
            char path[4097];
            if (head[2] > 4096 || read_full(path, head[2]) != 0) break;
            path[head[2]] = 0;
            uint32_t compiled = 0;
            int socket = -1;
            pid_t pid = fork_worker(path, &compiled, &socket);
            int answered = answer_zygote_request(pid, compiled, socket);
            if (socket >= 0) close(socket);
            if (answered != 0) break;
        } else if (head[1] == OVERBLIK_RELAXNG_ZYGOTE_REAP) {
            int status = 0;
            pid_t reaped;
            do {
                reaped = waitpid((pid_t)head[2], &status, 0);
            } while (reaped < 0 && errno == EINTR);
            if (answer_zygote_request(reaped < 0 ? -1 : status, 0, -1) != 0) break;
        } else {
            break;
        }
    }
    for (;;) {
        pid_t reaped = wait(NULL);
        if (reaped < 0 && errno == EINTR) continue;
        if (reaped < 0) break;
    }
}

__attribute__((constructor)) static void overblik_relaxng_worker_entry(void) {
    const char *flag = getenv(OVERBLIK_RELAXNG_WORKER_ENV);
    if (flag == NULL) return;
    if (strcmp(flag, "1") == 0) {
        prepare();
        while (serve_one() == 0) {
        }
        _exit(0);
    }
    if (strcmp(flag, OVERBLIK_RELAXNG_ZYGOTE_ROLE) == 0) {
        prepare();
        serve_zygote();
        _exit(0);
    }
}
