/* String and formatting calls whose results show a corrupted libc: run
 * against a private copy of libc under uprobes (uprobes.test). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
int main(void) {
    char buf[256];
    for (int i = 0; i < 3; i++) {
        snprintf(buf, sizeof buf, "Attached %d probe%s %s", i, i == 1 ? "" : "s", "x");
        printf("%s|%zu|%s\n", buf, strlen(buf), strchr(buf, 'p'));
        char *d = strdup(buf);
        memmove(d + 1, d, 5);
        printf("%s %d\n", d, strcmp(d, buf));
        free(d);
    }
    return 0;
}
