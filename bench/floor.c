/* The floor for `overblik scan`: walk the tree single-threaded, open each file with libzip and read its
 * meta.xml bytes, without parsing anything. Whatever Overblik does on top of this is the cost of its work.
 * Build: cc -O2 -o floor floor.c -lzip        Run: ./floor DIR   (prints files and meta.xml bytes read) */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <zip.h>

static long files, archives, meta_bytes;
static char buffer[1 << 16];

static int visit(const char *path, const struct stat *info, int type, struct FTW *ftw) {
    (void)info;
    (void)ftw;
    if (type != FTW_F) return 0;
    files++;
    int error = 0;
    zip_t *archive = zip_open(path, ZIP_RDONLY, &error);
    if (!archive) return 0;
    archives++;
    zip_file_t *meta = zip_fopen(archive, "meta.xml", 0);
    if (meta) {
        zip_int64_t got;
        while ((got = zip_fread(meta, buffer, sizeof buffer)) > 0) meta_bytes += got;
        zip_fclose(meta);
    }
    zip_discard(archive);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 64;
    }
    if (nftw(argv[1], visit, 64, FTW_PHYS) != 0) {
        perror(argv[1]);
        return 66;
    }
    printf("%ld files, %ld archives, %ld meta.xml bytes\n", files, archives, meta_bytes);
    return 0;
}
