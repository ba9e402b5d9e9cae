// A C++ method for the uprobe tests: ns::Foo::bar(41) returns 42. Sleeps
// DELAY_S (argv[1]) before the call and a second after it, so that its
// symbols are read while it lives.
#include <cstdlib>
#include <unistd.h>

namespace ns {
struct Foo {
    __attribute__((noinline)) int bar(int x) { return x + 1; }
};
} // namespace ns

int main(int argc, char **argv) {
    if (argc > 1)
        usleep(static_cast<useconds_t>(atof(argv[1]) * 1e6));
    ns::Foo f;
    volatile int r = f.bar(41);
    sleep(1);
    return r == 42 ? 0 : 1;
}
