// An arena for the memory libxml2 allocates while a worker parses and validates one document: allocation is a
// pointer bump, freeing is nothing, and the whole arena is reset after the document. libxml2 2.9's RELAX NG
// validator allocates and frees a validation state for every step it tries, and malloc/free were a fifth of the
// worker's time (perf, bench/validate.sh); with the arena, parsing and validating take about a fifth less CPU.
//
// Only while a document is worked on (overblik_arena_begin/end): compiled schemas and anything else that lives
// longer come from malloc as before. Pointers from malloc are told apart by address and freed as usual. A
// document that needs more than the arena holds continues with malloc; the pages of a large one are given back
// so that an idle worker stays small. The worker is single-threaded: no locking.
#include "document_arena.h"

#include <libxml/globals.h>
#include <libxml/xmlmemory.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_SIZE ((size_t)64 << 20)
#define ARENA_KEPT ((size_t)16 << 20)  // pages kept resident between documents
#define HEADER 16                      // the block's size, keeping 16-byte alignment

static struct {
    char *base;
    size_t used;
    size_t high;  // highest `used` since the pages were last given back
    int on;
} arena;

static int in_arena(const void *pointer) {
    return arena.base != NULL && (const char *)pointer >= arena.base && (const char *)pointer < arena.base + ARENA_SIZE;
}

static void *arena_malloc(size_t size) {
    size_t rounded = (size + 15) & ~(size_t)15;
    if (!arena.on || rounded < size || rounded > ARENA_SIZE - HEADER - arena.used) return malloc(size);
    char *block = arena.base + arena.used;
    memcpy(block, &rounded, sizeof rounded);
    arena.used += HEADER + rounded;
    return block + HEADER;
}

static void arena_free(void *pointer) {
    if (pointer != NULL && !in_arena(pointer)) free(pointer);
}

static void *arena_realloc(void *pointer, size_t size) {
    if (pointer == NULL) return arena_malloc(size);
    if (!in_arena(pointer)) return realloc(pointer, size);
    size_t old;
    memcpy(&old, (char *)pointer - HEADER, sizeof old);
    if (size <= old) return pointer;
    if ((char *)pointer + old == arena.base + arena.used && arena.on &&
        size - old <= ARENA_SIZE - arena.used) {  // the last block grows in place
        size_t rounded = (size + 15) & ~(size_t)15;
        if (rounded >= size && rounded - old <= ARENA_SIZE - arena.used) {
            arena.used += rounded - old;
            memcpy((char *)pointer - HEADER, &rounded, sizeof rounded);
            return pointer;
        }
    }
    void *moved = arena_malloc(size);
    if (moved != NULL) memcpy(moved, pointer, old);
    return moved;
}

static char *arena_strdup(const char *text) {
    size_t length = strlen(text) + 1;
    char *copy = arena_malloc(length);
    if (copy != NULL) memcpy(copy, text, length);
    return copy;
}

void overblik_arena_install(void) {
    void *base = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return;  // without the arena, libxml2 keeps using malloc
    arena.base = base;
    xmlMemSetup(arena_free, arena_malloc, arena_realloc, arena_strdup);
}

void overblik_arena_begin(void) { arena.on = arena.base != NULL; }

void overblik_arena_end(void) {
    arena.on = 0;
    if (arena.used > arena.high) arena.high = arena.used;
    arena.used = 0;
    if (arena.high > ARENA_KEPT) {
        madvise(arena.base + ARENA_KEPT, ARENA_SIZE - ARENA_KEPT, MADV_DONTNEED);
        arena.high = ARENA_KEPT;
    }
}
