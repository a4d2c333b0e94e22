"""A writer of amble's remote state, for StateWritersRaceTest: loads an amble_lock module file
and records COUNT workspaces as started in STATE_DIR, one module call each (mark, as a claim
does), as fast as it can. It says it is ready in STATE_DIR/ready-PREFIX, then waits for every
writer named in the arguments to be ready, so the writers overlap.

Usage: state_writer.py MODULE STATE_DIR PREFIX COUNT OTHER_PREFIX...
"""

import importlib.util
import os
import sys
import time

module_file, folder, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
others = sys.argv[5:]
spec = importlib.util.spec_from_file_location("amble_lock_under_test", module_file)
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)


class Module:
    check_mode = False

    def __init__(self, params):
        self.params = params


open(os.path.join(folder, "ready-" + prefix), "w").close()
while not all(os.path.exists(os.path.join(folder, "ready-" + o)) for o in others):
    time.sleep(0.001)

for i in range(count):
    lock.mark(
        Module(
            dict(
                project="default",
                workspace="%s-%03d" % (prefix, i),
                workflow="upgrade",
                rollout="r-" + prefix,
                since="2026-01-01T00:00:00Z",
            )
        ),
        folder,
        "started",
    )
