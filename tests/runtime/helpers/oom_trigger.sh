#!/bin/bash
# Makes the OOM killer kill one process: a python3 that allocates 256 MiB
# inside a memory cgroup limited to 32 MiB (cgroup v2 or v1, whichever the
# machine has), so that only that process is killed. Prints its pid.
set -u
name=trawk_oom_$$
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    cg=/sys/fs/cgroup/$name
    mkdir "$cg" && echo 32M >"$cg/memory.max" && echo 0 >"$cg/memory.swap.max" 2>/dev/null
else
    cg=/sys/fs/cgroup/memory/$name
    mkdir "$cg" && echo 32M >"$cg/memory.limit_in_bytes"
    echo 32M >"$cg/memory.memsw.limit_in_bytes" 2>/dev/null
fi
bash -c "echo \$\$ >$cg/cgroup.procs && exec python3 -c 'x = bytearray(256 << 20); x[::4096] = b\"y\" * len(x[::4096])'" 2>/dev/null &
child=$!
echo "$child"
wait "$child"
rmdir "$cg"
exit 0
