/* libFuzzer target: any bytes as a script through the whole compiler half
 * (tests/fuzz/pipeline.h), and through --fmt's formatter. Errors are expected; crashes, leaks,
 * undefined behaviour and hangs are findings (docs/fuzzing.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser/format.h"
#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    fuzz_compile(text, sink);
    struct diag d;
    diag_init(&d, "stdin", text, sink);
    fmt_script(&d, text, sink);
    diag_free(&d);
    free(text);
    return 0;
}
