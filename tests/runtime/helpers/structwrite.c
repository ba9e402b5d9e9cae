/* Writes a struct with known contents to /dev/null, so that a script on
 * sys_enter_write can read it through the user pointer the syscall gets:
 * fields, a char array, a nested struct, a pointer to a second struct,
 * an array and bitfields. */
#include <fcntl.h>
#include <unistd.h>

struct inner {
    short x;
    unsigned char flags;
};

struct rec {
    int id;
    char name[12];
    struct inner in;
    struct rec *next;
    long arr[3];
    unsigned int low : 3, high : 5;
};

int main(void) {
    struct rec second = {.id = 7, .name = "second"};
    struct rec first = {.id = 42,
                        .name = "first",
                        .in = {-5, 200},
                        .next = &second,
                        .arr = {1, 2, 3},
                        .low = 5,
                        .high = 17};
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0 || write(fd, &first, sizeof(first)) != (ssize_t)sizeof(first))
        return 1;
    return close(fd);
}
