/* The parts floor: what the C libraries alone cost to read the parts `overblik scan` must read, with none of
 * Overblik's own work. Single-threaded, like bench/floor.c, which it extends: walk the tree, open each ZIP package
 * with libzip and read its mimetype, then inflate with libdeflate (as the scan does: libzip hands over the compressed
 * bytes) and parse with libxml2 (a SAX2 push parser reused from file to file, the options the scan uses, empty
 * callbacks) META-INF/manifest.xml and meta.xml of an ODF package, or
 * [Content_Types].xml, docProps/core.xml and docProps/app.xml of an OOXML one; a flat ODF file is parsed until
 * its office:meta ends. Compound files, PDF and RTF cost only the open and a read of their first bytes (a lower
 * bound: the scan reads more of them).
 * Build: cc -O2 -I/usr/include/libxml2 -o parts-floor parts-floor.c -lzip -lxml2 -ldeflate    Run: ./parts-floor DIR */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <libdeflate.h>
#include <ftw.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

static long files, packages, parts, partBytes, flats;
static unsigned char *part, *compressed;
static size_t partCapacity, compressedCapacity;
static struct libdeflate_decompressor *inflater;
static xmlParserCtxtPtr parser;
static xmlSAXHandler handlers;
static const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

static void startElement(void *context, const xmlChar *localName, const xmlChar *prefix, const xmlChar *uri,
                         int namespaceCount, const xmlChar **namespaces, int attributeCount, int defaulted,
                         const xmlChar **attributes) {}
/* A flat file's parse stops where the scan's does: at the end of office:meta. */
static void endElement(void *context, const xmlChar *localName, const xmlChar *prefix, const xmlChar *uri) {
    if (strcmp((const char *)localName, "meta") == 0 && uri &&
        strcmp((const char *)uri, "urn:oasis:names:tc:opendocument:xmlns:office:1.0") == 0)
        xmlStopParser(parser);
}
static void characters(void *context, const xmlChar *text, int length) {}
static void structuredError(void *context, xmlErrorPtr error) {}

static void parse(const unsigned char *bytes, size_t count) {
    xmlCtxtResetPush(parser, NULL, 0, NULL, NULL);
    xmlCtxtUseOptions(parser, options);
    xmlParseChunk(parser, (const char *)bytes, (int)count, 1);
    parts++;
    partBytes += (long)count;
}

/* Reads the named entry whole (libdeflate inflates a deflated one, libzip reads any other) and parses it. */
static void readPart(zip_t *archive, const char *name) {
    zip_stat_t info;
    if (zip_stat(archive, name, 0, &info) != 0 || !(info.valid & ZIP_STAT_SIZE) || info.size > (8 << 20)) return;
    if (info.size + 1 > partCapacity) {
        partCapacity = info.size + 1;
        part = realloc(part, partCapacity);
    }
    int deflated = (info.valid & ZIP_STAT_COMP_METHOD) && info.comp_method == ZIP_CM_DEFLATE &&
                   (info.valid & ZIP_STAT_COMP_SIZE) && info.comp_size <= (4 << 20);
    zip_file_t *file = zip_fopen(archive, name, deflated ? ZIP_FL_COMPRESSED : 0);
    if (!file) return;
    zip_uint64_t wanted = deflated ? info.comp_size : info.size;
    if (deflated && wanted > compressedCapacity) {
        compressedCapacity = wanted;
        compressed = realloc(compressed, compressedCapacity);
    }
    zip_int64_t got = zip_fread(file, deflated ? compressed : part, wanted);
    zip_fclose(file);
    if (got != (zip_int64_t)wanted) return;
    if (deflated) {
        size_t produced = 0;
        if (libdeflate_deflate_decompress(inflater, compressed, wanted, part, info.size + 1, &produced) !=
                LIBDEFLATE_SUCCESS ||
            produced != info.size ||
            libdeflate_crc32(0, part, produced) != info.crc)
            return;
    }
    parse(part, info.size);
}

static void readMimetype(zip_t *archive) {
    char mimetype[256];
    zip_file_t *file = zip_fopen(archive, "mimetype", 0);
    if (!file) return;
    zip_fread(file, mimetype, sizeof mimetype);
    zip_fclose(file);
}

static void readFlat(const char *path, off_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    if ((size_t)size > partCapacity) {
        partCapacity = size;
        part = realloc(part, partCapacity);
    }
    ssize_t got = pread(fd, part, size, 0);
    close(fd);
    if (got == size) {
        parse(part, size);
        flats++;
    }
}

static int visit(const char *path, const struct stat *info, int type, struct FTW *ftw) {
    (void)ftw;
    if (type != FTW_F) return 0;
    files++;
    unsigned char head[8] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t got = pread(fd, head, sizeof head, 0);
    close(fd);
    if (got >= 4 && head[0] == 'P' && head[1] == 'K') {
        int error = 0;
        zip_t *archive = zip_open(path, ZIP_RDONLY, &error);
        if (!archive) return 0;
        packages++;
        readMimetype(archive);
        if (zip_name_locate(archive, "[Content_Types].xml", 0) >= 0) {
            readPart(archive, "[Content_Types].xml");
            readPart(archive, "docProps/core.xml");
            readPart(archive, "docProps/app.xml");
        } else {
            readPart(archive, "META-INF/manifest.xml");
            readPart(archive, "meta.xml");
        }
        zip_discard(archive);
    } else if (got >= 1 && head[0] == '<' && info->st_size <= (64 << 20)) {
        readFlat(path, info->st_size);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 64;
    }
    handlers.initialized = XML_SAX2_MAGIC;
    handlers.startElementNs = startElement;
    handlers.endElementNs = endElement;
    handlers.characters = characters;
    handlers.serror = structuredError;
    parser = xmlCreatePushParserCtxt(&handlers, NULL, NULL, 0, NULL);
    inflater = libdeflate_alloc_decompressor();
    if (!parser || !inflater) return 70;
    if (nftw(argv[1], visit, 64, FTW_PHYS) != 0) {
        perror(argv[1]);
        return 66;
    }
    printf("%ld files, %ld packages, %ld flat files, %ld parts parsed (%ld bytes)\n", files, packages, flats, parts,
           partBytes);
    xmlFreeParserCtxt(parser);
    libdeflate_free_decompressor(inflater);
    return 0;
}
