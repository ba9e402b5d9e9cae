/* The library helpers/late_dlopen.c loads late: two frames of its own
 * (a uprobe at the callback's entry does not see its direct caller's
 * frame, the frame pointer is not pushed yet), then the callback. */
__attribute__((noinline)) void late_lib_inner(void (*callback)(void)) {
    callback();
}

__attribute__((noinline)) void late_lib_entry(void (*callback)(void)) {
    late_lib_inner(callback);
}
