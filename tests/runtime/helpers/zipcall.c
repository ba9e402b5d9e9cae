/* Runs a function of an ELF file stored in a zip archive without unpacking
 * it, as an Android app runs a library from its APK: maps the archive's
 * page holding the member's bytes and calls the function there.
 * Usage: zipcall ZIP DATA_OFFSET FUNC_OFFSET, where DATA_OFFSET is the
 * member's data in the archive and FUNC_OFFSET the function's file offset
 * in the member: a leaf int f(int, int) position-independent function. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    if (argc != 4)
        return 2;
    int fd = open(argv[1], O_RDONLY);
    long off = strtol(argv[2], NULL, 0), fn = strtol(argv[3], NULL, 0);
    long page = off & ~4095L;
    char *base =
        mmap(NULL, (size_t)(off - page + fn + 4096), PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, page);
    if (fd < 0 || base == MAP_FAILED)
        return 1;
    int (*f)(int, int) = (int (*)(int, int))(void *)(base + (off - page) + fn);
    printf("%d\n", f(3, 4));
    return 0;
}
