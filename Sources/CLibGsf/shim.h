#ifndef OVERBLIK_CLIBGSF_SHIM_H
#define OVERBLIK_CLIBGSF_SHIM_H
// Only the OLE2 (compound file) reader of libgsf, its property-set reader, and the inputs they read from.
#include <gsf/gsf-utils.h>
#include <gsf/gsf-doc-meta-data.h>
#include <gsf/gsf-msole-utils.h>
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

/// Drops what libgsf prints with `g_print` / `g_printerr`.
static void overblik_gsf_drop_print(const gchar *text) { (void)text; }

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
    // The property-set reader hex-dumps a section of unknown type with g_print (gsf_mem_dump): that would land
    // in the scan's standard output. Nothing else in the process prints through GLib.
    g_set_print_handler(overblik_gsf_drop_print);
    g_set_printerr_handler(overblik_gsf_drop_print);
}

/// Releases a libgsf object (an input or infile); `NULL` is ignored.
static inline void overblik_gsf_release(void *object) {
    if (object != NULL) g_object_unref(object);
}

/// The message of a GError (the caller frees the error with `g_error_free`); `NULL` gives an empty string.
static inline const char *overblik_gerror_message(GError *error) {
    return error != NULL && error->message != NULL ? error->message : "";
}
/// The text of the property `name` in `meta`, or `NULL` when absent or not text (owned by `meta`).
static inline const char *overblik_gsf_meta_text(GsfDocMetaData *meta, const char *name) {
    GsfDocProp *prop = gsf_doc_meta_data_lookup(meta, name);
    GValue const *value = prop != NULL ? gsf_doc_prop_get_val(prop) : NULL;
    if (value == NULL || !G_VALUE_HOLDS_STRING(value)) return NULL;
    return g_value_get_string(value);
}

/// Whether the property `name` in `meta` is an integer (VT_I2, VT_I4, VT_UI2, VT_UI4), stored in `out`.
static inline int overblik_gsf_meta_integer(GsfDocMetaData *meta, const char *name, long long *out) {
    GsfDocProp *prop = gsf_doc_meta_data_lookup(meta, name);
    GValue const *value = prop != NULL ? gsf_doc_prop_get_val(prop) : NULL;
    if (value == NULL) return 0;
    if (G_VALUE_HOLDS_INT(value)) {
        *out = g_value_get_int(value);
        return 1;
    }
    if (G_VALUE_HOLDS_UINT(value)) {
        *out = g_value_get_uint(value);
        return 1;
    }
    return 0;
}
#endif
