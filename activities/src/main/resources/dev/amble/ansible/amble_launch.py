"""Runs one Ansible command for amble.

amble starts every Ansible process through this launcher, which gives three
guarantees that Java cannot give by itself:

* The Ansible process and everything it starts live in their own session, so
  the whole tree can be signalled at once.
* When amble dies (the worker is killed with SIGKILL), the tree dies with it:
  the launcher notices that its parent is gone and ends the tree, so an
  orphaned job never runs beside the retry of the same job.
* The become password, if any, arrives on the launcher's stdin and is handed
  to Ansible on Ansible's stdin (--become-password-file -): it never appears in
  an argument list, an environment or a file.

Usage: python3 amble_launch.py PROGRAM [ARG...]
With AMBLE_BECOME_PASSWORD_ON_STDIN=1 the first line of stdin is the password.
"""

import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 3.0


def end_tree(proc):
    """SIGTERM the session, then SIGKILL whatever is left after a grace period."""
    for sig, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, 1.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None and not session_alive(proc.pid):
                return
            time.sleep(0.05)


def session_alive(sid):
    try:
        os.killpg(sid, 0)
        return True
    except ProcessLookupError:
        return False


def main():
    args = sys.argv[1:]
    if not args:
        sys.stderr.write("usage: amble_launch.py PROGRAM [ARG...]\n")
        return 2
    env = dict(os.environ)
    password = None
    if env.pop("AMBLE_BECOME_PASSWORD_ON_STDIN", "") == "1":
        password = sys.stdin.buffer.readline().rstrip(b"\r\n")
        args = args + ["--become-password-file", "-"]
    parent = os.getppid()
    proc = subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.PIPE if password is not None else subprocess.DEVNULL,
        start_new_session=True,
    )
    if password is not None:
        proc.stdin.write(password + b"\n")
        proc.stdin.close()
        password = None

    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    while True:
        try:
            code = proc.wait(timeout=0.25)
            # The command ended; make sure nothing it started outlives it.
            if session_alive(proc.pid):
                end_tree(proc)
            return code if code >= 0 else 128 - code
        except subprocess.TimeoutExpired:
            pass
        if stopping or os.getppid() != parent:
            end_tree(proc)
            return 128 + (stopping[0] if stopping else signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
