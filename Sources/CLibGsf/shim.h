#ifndef OVERBLIK_CLIBGSF_SHIM_H
#define OVERBLIK_CLIBGSF_SHIM_H
// Only the OLE2 (compound file) reader of libgsf and the inputs it reads from.
#include <gsf/gsf-utils.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input-stdio.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-infile-msole.h>

/// Drops a message libgsf logs about a damaged file: a library must not write to the terminal, and the caller
/// learns of the damage from the returned error instead.
static void overblik_gsf_drop_message(const gchar *domain, GLogLevelFlags level, const gchar *message,
                                      gpointer data) {
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

/// Initialises libgsf once and silences its warnings and `g_return_if_fail` criticals (logged for hostile files).
/// Some of libgsf's sources log without a domain (`gsf-infile.c`: "Unable to get child[1] for infile 'VBA'
/// because : insufficient blocks", for a damaged `.doc` or an encrypted `.docx` with a broken chain): those reach
/// GLib's handler for messages without one, which nothing else in the process logs to.
static inline void overblik_gsf_setup(void) {
    gsf_init();
    GLogLevelFlags levels = (GLogLevelFlags)(G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION);
    g_log_set_handler("libgsf:msole", levels, overblik_gsf_drop_message, NULL);
    g_log_set_handler("libgsf", levels, overblik_gsf_drop_message, NULL);
    g_log_set_handler("libgsf:utils", levels, overblik_gsf_drop_message, NULL);
    g_log_set_handler(NULL, levels, overblik_gsf_drop_message, NULL);
}

/// Releases a libgsf object (an input or infile); `NULL` is ignored.
static inline void overblik_gsf_release(void *object) {
    if (object != NULL) g_object_unref(object);
}

/// The message of a GError (the caller frees the error with `g_error_free`); `NULL` gives an empty string.
static inline const char *overblik_gerror_message(GError *error) {
    return error != NULL && error->message != NULL ? error->message : "";
}
#endif
