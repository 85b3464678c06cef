#include "CFuzzDriver.h"
#include <stdio.h>
#include <stdlib.h>

static OverblikFuzzCallback registered;

int overblik_fuzz_run(int argc, char **argv, OverblikFuzzCallback callback) {
    registered = callback;
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}

// -sanitize=fuzzer links the whole libFuzzer runtime, whose own main refers to this symbol. The harness's main
// runs instead (see the header) and passes its callback to the driver; this forwards to it for completeness.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (registered == NULL) {
        fprintf(stderr, "overblik fuzz: libFuzzer's main ran instead of the harness's\n");
        abort();
    }
    return registered(data, size);
}
