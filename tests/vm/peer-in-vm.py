#!/usr/bin/env python3
"""The peer suite's run.py (argv[1]: its directory; the rest: its arguments)
with every case's TIMEOUT multiplied by TRAWK_TIMEOUT_SCALE (default 4), as
tests/runtime/runner.py does in the VM: programs run several times slower
under qemu's emulation, and the suite has no such factor of its own."""
import os
import sys

suite_dir = sys.argv[1]
sys.argv = [os.path.join(suite_dir, "run.py")] + sys.argv[2:]
sys.path.insert(0, suite_dir)
from peersuite import suite  # noqa: E402

SCALE = float(os.environ.get("TRAWK_TIMEOUT_SCALE", "4"))
unscaled = suite.Case.effective_timeout
suite.Case.effective_timeout = lambda case: unscaled(case) * SCALE

import run  # noqa: E402

sys.exit(run.main())
