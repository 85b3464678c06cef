// Memory for one document in a RELAX NG worker (document_arena.c).
#ifndef OVERBLIK_DOCUMENT_ARENA_H
#define OVERBLIK_DOCUMENT_ARENA_H

/// Routes libxml2's allocations through the arena (xmlMemSetup); call once, before the first document.
void overblik_arena_install(void);

/// From now until overblik_arena_end(), libxml2's allocations come from the arena.
void overblik_arena_begin(void);

/// Ends the document: everything allocated from the arena is released at once (nothing of it may be used
/// afterwards: call after the document is freed and the response written).
void overblik_arena_end(void);
#endif
