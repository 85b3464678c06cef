#ifndef OVERBLIK_CLIBDEFLATE_SHIM_H
#define OVERBLIK_CLIBDEFLATE_SHIM_H
// libdeflate: whole-buffer DEFLATE decompression (the parts a scan reads are small and read whole) and CRC-32.
#include <libdeflate.h>
#endif
