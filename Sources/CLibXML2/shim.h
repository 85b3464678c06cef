#ifndef OVERBLIK_CLIBXML2_SHIM_H
#define OVERBLIK_CLIBXML2_SHIM_H
// Debian's libxml2 is built with ICU; its headers then pull in ICU types that clash with
// Foundation's copy ("'UErrorCode' has different definitions" wherever a Swift compile job sees both). We never use
// the ICU parts: xmlversion.h defines the switch, so it is undone after it and before encoding.h reads it. (Only
// xmlCharEncodingHandler changes shape, and Overblik never touches one but through a pointer.)
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/relaxng.h>
#include <libxml/xmlmemory.h>

// xmlFree is a global function-pointer variable, which Swift 6 refuses to read from concurrent code.
static inline void overblik_xml_free(void *pointer) { xmlFree(pointer); }
#endif
