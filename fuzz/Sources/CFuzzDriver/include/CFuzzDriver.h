// libFuzzer's driver, entered from a harness's own main (SwiftPM renames an executable's `main` on Linux, so
// libFuzzer's own `main` cannot be used; the harnesses link libclang_rt.fuzzer through -sanitize=fuzzer and
// call the driver themselves).
#include <stddef.h>
#include <stdint.h>

typedef int (*OverblikFuzzCallback)(const uint8_t *data, size_t size);

int LLVMFuzzerRunDriver(int *argc, char ***argv, OverblikFuzzCallback callback);

/// Runs libFuzzer with the process's arguments and `callback` as the test-one-input function.
int overblik_fuzz_run(int argc, char **argv, OverblikFuzzCallback callback);
