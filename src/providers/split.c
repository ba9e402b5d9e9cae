/* Attach point parts as bpftrace reads them: split at the colons outside
 * double quotes; a quoted part (cpp:"ns::f", "app.zip!/lib.so",
 * "\"name\"") loses its quotes and its backslash escapes. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"

int provider_split(const char *spec, char **buf, char **parts, int max) {
    char *out = malloc(strlen(spec) + 1);
    *buf = out;
    if (!out)
        return -1;
    int n = 0;
    if (max > 0)
        parts[n] = out;
    n++;
    bool quoted = false;
    for (const char *p = spec; *p; p++) {
        if (*p == '"') {
            quoted = !quoted;
        } else if (quoted && *p == '\\' && p[1]) {
            *out++ = *++p;
        } else if (!quoted && *p == ':') {
            *out++ = '\0';
            if (n < max)
                parts[n] = out;
            n++;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return n;
}
