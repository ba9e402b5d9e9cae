/* The flame graph writers on hand-built stacks: folded text, the SVG flame
 * graph and the speedscope file (runtime/output/profile.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/profile.h"

/* Adds a sample of the frames named in the ';'-separated path; a frame
 * written "k:name" is a kernel frame, "=name" a key, others user frames. */
static void add(struct out_profiles *p, struct out_profile *pr, const char *path, uint64_t n) {
    uint32_t frames[32];
    uint32_t nf = 0;
    char *copy = strdup(path), *save = NULL;
    for (char *f = strtok_r(copy, ";", &save); f; f = strtok_r(NULL, ";", &save)) {
        enum out_frame_kind kind = OUT_FRAME_USER;
        if (strncmp(f, "k:", 2) == 0)
            kind = OUT_FRAME_KERNEL, f += 2;
        else if (f[0] == '=')
            kind = OUT_FRAME_KEY, f++;
        frames[nf++] = out_prof_frame(p, f, kind);
    }
    out_prof_sample(pr, frames, nf, n);
    free(copy);
}

/* One profile "@": main;work (3), main;idle (1), main;work again (2). */
static void one_map(struct out_profiles *p) {
    out_profiles_init(p);
    struct out_profile *pr = out_prof_add(p, "@");
    add(p, pr, "main;work", 3);
    add(p, pr, "main;idle", 1);
    add(p, pr, "main;work", 2);
    out_prof_finish(p, pr);
}

static char *text_of(const struct out_str *s) {
    return strdup(s->p ? s->p : "");
}

static char *folded(const struct out_profiles *p) {
    struct out_str s;
    out_str_init(&s);
    out_folded_write(&s, p);
    char *r = text_of(&s);
    out_str_free(&s);
    return r;
}

static void frames_are_interned_by_name_and_kind(void **state) {
    (void)state;
    struct out_profiles p;
    out_profiles_init(&p);
    uint32_t a = out_prof_frame(&p, "f", OUT_FRAME_USER);
    uint32_t b = out_prof_frame(&p, "f", OUT_FRAME_KERNEL);
    assert_int_not_equal(a, b);
    assert_int_equal(out_prof_frame(&p, "f", OUT_FRAME_USER), a);
    /* past the first rehash, every name still finds its frame */
    char name[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "fn%d", i);
        out_prof_frame(&p, name, OUT_FRAME_USER);
    }
    assert_int_equal(p.nframes, 1002);
    assert_int_equal(out_prof_frame(&p, "fn500", OUT_FRAME_USER), 502);
    out_profiles_free(&p);
}

static void equal_stacks_merge_and_sort_by_name(void **state) {
    (void)state;
    struct out_profiles p;
    one_map(&p);
    assert_int_equal(p.v[0].n, 2);
    assert_int_equal(p.v[0].total, 6);
    char *t = folded(&p);
    assert_string_equal(t, "main;idle 1\nmain;work 5\n");
    free(t);
    out_profiles_free(&p);
}

static void several_maps_start_with_their_names(void **state) {
    (void)state;
    struct out_profiles p;
    out_profiles_init(&p);
    struct out_profile *a = out_prof_add(&p, "@cpu");
    add(&p, a, "=sh;k:do_syscall_64;k:ksys_read", 4);
    out_prof_finish(&p, a);
    struct out_profile *b = out_prof_add(&p, "@user");
    add(&p, b, "main;x", 1);
    out_prof_finish(&p, b);
    char *t = folded(&p);
    assert_string_equal(t, "@cpu;sh;do_syscall_64;ksys_read 4\n@user;main;x 1\n");
    free(t);
    out_profiles_free(&p);
}

static void separators_inside_names_are_replaced(void **state) {
    (void)state;
    struct out_profiles p;
    out_profiles_init(&p);
    struct out_profile *pr = out_prof_add(&p, "@");
    uint32_t f = out_prof_frame(&p, "a;b\nc", OUT_FRAME_KEY);
    out_prof_sample(pr, &f, 1, 7);
    char *t = folded(&p);
    assert_string_equal(t, "a:b c 7\n");
    free(t);
    out_profiles_free(&p);
}

static char *svg(const struct out_profiles *p, const char *title) {
    struct out_str s;
    out_str_init(&s);
    out_flame_svg_write(&s, p, title);
    char *r = text_of(&s);
    out_str_free(&s);
    return r;
}

static void svg_frames_are_as_wide_as_their_counts(void **state) {
    (void)state;
    struct out_profiles p;
    one_map(&p);
    char *t = svg(&p, "my <profile>");
    assert_non_null(strstr(t, "<?xml version=\"1.0\""));
    assert_non_null(strstr(t, ">my &lt;profile&gt;</text>"));
    assert_non_null(strstr(t, "6 samples</text>"));
    /* 1180 pixels between the margins: all and main span them, work 5/6, idle 1/6 */
    assert_non_null(strstr(t, "<title>all (6 samples, 100.00%)</title><rect x=\"10.0\""));
    assert_non_null(strstr(t, "<title>main (6 samples, 100.00%)</title><rect x=\"10.0\""));
    assert_non_null(strstr(t, "<title>idle (1 sample, 16.67%)</title><rect x=\"10.0\""));
    assert_non_null(strstr(t, "<title>work (5 samples, 83.33%)</title><rect x=\"206.7\""));
    assert_non_null(strstr(t, "width=\"983.3\""));
    /* main sits on all, work and idle on main */
    const char *all = strstr(t, "<title>all"), *main = strstr(t, "<title>main");
    const char *work = strstr(t, "<title>work");
    int yall, ymain, ywork;
    assert_int_equal(sscanf(strstr(all, "y=\""), "y=\"%d", &yall), 1);
    assert_int_equal(sscanf(strstr(main, "y=\""), "y=\"%d", &ymain), 1);
    assert_int_equal(sscanf(strstr(work, "y=\""), "y=\"%d", &ywork), 1);
    assert_int_equal(yall - ymain, 16);
    assert_int_equal(ymain - ywork, 16);
    assert_non_null(strstr(t, "</svg>\n"));
    free(t);
    out_profiles_free(&p);
}

static void svg_escapes_names_and_leaves_out_slivers(void **state) {
    (void)state;
    struct out_profiles p;
    out_profiles_init(&p);
    struct out_profile *pr = out_prof_add(&p, "@");
    add(&p, pr, "std::vector<int>::push_back(int&&)", 100000);
    add(&p, pr, "tiny", 1);
    out_prof_finish(&p, pr);
    char *t = svg(&p, "t");
    assert_non_null(strstr(t, "<title>std::vector&lt;int&gt;::push_back(int&amp;&amp;) ("));
    assert_null(strstr(t, "tiny")); /* 0.01 pixels wide */
    free(t);
    out_profiles_free(&p);
}

static void svg_truncates_labels_to_their_frame(void **state) {
    (void)state;
    struct out_profiles p;
    out_profiles_init(&p);
    struct out_profile *pr = out_prof_add(&p, "@");
    add(&p, pr, "a_rather_long_function_name_that_cannot_fit", 1);
    add(&p, pr, "other", 39);
    out_prof_finish(&p, pr);
    char *t = svg(&p, "t");
    /* 1180 / 40 = 29.5 pixels: (29.5 - 6) / 7 = 3 characters, "a.." */
    assert_non_null(strstr(t, ">a..</text>"));
    free(t);
    out_profiles_free(&p);
}

static void speedscope_shares_frames_root_first(void **state) {
    (void)state;
    struct out_profiles p;
    one_map(&p);
    struct out_str s;
    out_str_init(&s);
    out_speedscope_write(&s, &p, "say \"hi\"");
    const char *want = "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\n"
                       "\"shared\":{\"frames\":[\n{\"name\":\"main\"},\n{\"name\":\"work\"},\n"
                       "{\"name\":\"idle\"}]},\n"
                       "\"profiles\":[{\"type\":\"sampled\",\"name\":\"@\",\"unit\":\"none\","
                       "\"startValue\":0,\"endValue\":6,\n\"samples\":[\n[0,2],\n[0,1]],\n"
                       "\"weights\":[1,5]}],\n\"name\":\"say \\\"hi\\\"\","
                       "\"activeProfileIndex\":0,\"exporter\":\"trawk\"}\n";
    assert_string_equal(s.p, want);
    out_str_free(&s);
    out_profiles_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_are_interned_by_name_and_kind),
        cmocka_unit_test(equal_stacks_merge_and_sort_by_name),
        cmocka_unit_test(several_maps_start_with_their_names),
        cmocka_unit_test(separators_inside_names_are_replaced),
        cmocka_unit_test(svg_frames_are_as_wide_as_their_counts),
        cmocka_unit_test(svg_escapes_names_and_leaves_out_slivers),
        cmocka_unit_test(svg_truncates_labels_to_their_frame),
        cmocka_unit_test(speedscope_shares_frames_root_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
