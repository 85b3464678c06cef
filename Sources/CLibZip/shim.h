#ifndef OVERBLIK_CLIBZIP_SHIM_H
#define OVERBLIK_CLIBZIP_SHIM_H
#include <zip.h>
#endif
