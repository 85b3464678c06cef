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
#include <sys/time.h>
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
static int64_t element_ordinal(xmlDocPtr document, xmlNodePtr target) {
    while (target != NULL && target->type != XML_ELEMENT_NODE) target = target->parent;
    if (target == NULL) return 0;
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
    uint32_t head[4] = {OVERBLIK_RELAXNG_RESPONSE_MAGIC, status, (uint32_t)found.count, cpu_used};
    if (write_full(head, sizeof head) != 0) return -1;
    for (int i = 0; i < found.count; i++) {
        struct issue *issue = &found.issues[i];
        int64_t ordinal = document != NULL ? element_ordinal(document, issue->node) : 0;
        int32_t where[2] = {issue->line, issue->column};
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

// Parses the document; parse-time messages (such as libxml2's xml:id checks, which NOERROR does not silence)
// go to a handler that drops them instead of the process-wide one that collects validity errors.
static xmlDocPtr parse(const char *bytes, int size) {
    xmlParserCtxtPtr parser = xmlNewParserCtxt();
    if (parser == NULL) return NULL;
    parser->sax->serror = ignore_error;
    xmlDocPtr document = xmlCtxtReadMemory(parser, bytes, size, NULL, NULL, parse_options);
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
    xmlDocPtr document = parse(bytes, (int)size);
    free(bytes);
    uint32_t status = document != NULL ? validate(schema, document) : OVERBLIK_RELAXNG_DOCUMENT_FAILED;
    limit_cpu(0);
    int written = respond(status, document, (uint32_t)(cpu_ms() - start));
    if (document != NULL) xmlFreeDoc(document);
    forget_issues();
    return written;
}

static void serve(void) {
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();
    xmlSetStructuredErrorFunc(NULL, record_error);  // see record_error: libxml2's IDREF errors come this way
    while (serve_one() == 0) {
    }
}

__attribute__((constructor)) static void overblik_relaxng_worker_entry(void) {
    const char *flag = getenv(OVERBLIK_RELAXNG_WORKER_ENV);
    if (flag == NULL || strcmp(flag, "1") != 0) return;
    serve();
    _exit(0);
}
