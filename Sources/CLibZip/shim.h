#ifndef OVERBLIK_CLIBZIP_SHIM_H
#define OVERBLIK_CLIBZIP_SHIM_H
#include <zip.h>
// zlib (libzip's own dependency): small deflated entries are inflated directly with one reused stream.
#include <zlib.h>
#endif
