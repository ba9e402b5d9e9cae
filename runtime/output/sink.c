#include "sink.h"

static const struct out_msg_info msgs[] = {
    [OUT_MSG_PRINTF] = {"printf", false},  [OUT_MSG_TIME] = {"time", false},
    [OUT_MSG_JOIN] = {"join", true},       [OUT_MSG_CAT] = {"cat", false},
    [OUT_MSG_SYSCALL] = {"syscall", true},
};

const struct out_msg_info *out_msg_info(enum out_msg kind) {
    return &msgs[kind];
}

struct out_sink out_sink_make(FILE *f, enum out_format format, bool buffered) {
    struct out_sink o = {f, format == OUT_FORMAT_JSON ? &out_sink_json_ops : &out_sink_text_ops,
                         buffered};
    return o;
}
