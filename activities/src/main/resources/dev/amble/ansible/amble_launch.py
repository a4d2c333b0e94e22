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
* The vault password, if any, follows it on the launcher's stdin and is handed
  to Ansible on a pipe of its own, which Ansible reads as its vault password
  file (--vault-password-file /dev/fd/N): never on Ansible's stdin (which
  carries the become password), an argument list, an environment or a file.
* The Redis fact store's password, if any, comes on the launcher's stdin too
  (a line after the become password's) and is given to Ansible's cache plugin
  in Ansible's own process (amble_cache_password.py), never in its
  environment: every task and module Ansible starts on this machine inherits
  that environment, and could read it there.

With AMBLE_EXECUTOR_SOCKET set, the launcher hands the run to amble's
long-lived executor (amble_executor.py) listening there, which forks it from a
process that has imported Ansible already; the three guarantees hold the same
way (the executor's child has a session of its own, which the launcher ends).
When the executor cannot take the run (it is gone, or refuses it before
starting anything), the launcher starts the program itself.

Usage: python3 amble_launch.py PROGRAM [ARG...]
With AMBLE_BECOME_PASSWORD_ON_STDIN=1 the first line of stdin is the password.
With AMBLE_REDIS_PASSWORD_ON_STDIN=1 the next line is the Redis password, and
AMBLE_ANSIBLE_PYTHON names the interpreter of PROGRAM (Ansible's entry script),
which runs it through amble_cache_password.py when the executor does not.
With AMBLE_VAULT_PASSWORD_ON_STDIN=1 the rest of stdin (after that line) is the
vault password.
"""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time

GRACE_SECONDS = 3.0


class Forked:
    """A run the executor forked: its pid (and session), its exit code once the executor says."""

    def __init__(self, conn, pid):
        self.conn = conn
        self.pid = pid
        self.code = None

    def poll(self):
        if self.code is None and self.conn is not None:
            readable, _, _ = select.select([self.conn], [], [], 0)
            if readable:
                self._read()
        return self.code

    def wait(self, timeout):
        if self.code is None and self.conn is not None:
            readable, _, _ = select.select([self.conn], [], [], timeout)
            if readable:
                self._read()
        if self.code is None:
            raise subprocess.TimeoutExpired("executor", timeout)
        return self.code

    def _read(self):
        try:
            data = self.conn.recv(4096)
        except OSError:
            data = b""
        self.conn.close()
        self.conn = None
        if data:
            self.code = json.loads(data)["exit"]
        else:
            # The executor went away before the run ended: end what is left of the run.
            sys.stderr.write("amble: the Ansible executor ended during the run\n")
            sys.stderr.flush()
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    break
                time.sleep(0.2)
            self.code = 125


def vault_pipe(vault):
    """A pipe holding the vault password, its write end closed: Ansible reads it to the end."""
    read_end, write_end = os.pipe()
    os.write(write_end, vault)  # a password is far smaller than a pipe's buffer
    os.close(write_end)
    return read_end


def fork_in_executor(path, args, env, password, vault, cache_password):
    """Asks the executor at path to run args; None when it cannot (nothing was started then)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    stdin_r = None
    vault_r = None
    try:
        conn.connect(path)
        fds_args = []
        if vault is not None:
            # The executor's child takes this pipe as its descriptor 3.
            vault_r = vault_pipe(vault)
            fds_args = ["--vault-password-file", "/dev/fd/3"]
        if password is not None:
            stdin_r, stdin_w = os.pipe()
            os.write(stdin_w, password + b"\n")
            os.close(stdin_w)
        else:
            stdin_r = os.open(os.devnull, os.O_RDONLY)
        request = {
            "program": os.path.basename(args[0]),
            "args": args[1:] + fds_args,
            "cwd": os.getcwd(),
            "env": env,
        }
        if cache_password is not None:
            request["cache_password"] = cache_password.decode("utf-8")
        sys.stdout.flush()
        sys.stderr.flush()
        fds = [stdin_r, 1, 2] + ([vault_r] if vault_r is not None else [])
        socket.send_fds(conn, [json.dumps(request).encode()], fds)
        answer = conn.recv(4096)
        if not answer:
            conn.close()
            return None
        reply = json.loads(answer)
        if "pid" not in reply:
            sys.stderr.write(
                "# amble: the Ansible executor did not take this run (%s): starting %s\n"
                % (reply.get("refused", "no reason"), os.path.basename(args[0]))
            )
            sys.stderr.flush()
            conn.close()
            return None
        return Forked(conn, reply["pid"])
    except OSError:
        conn.close()
        return None
    finally:
        for fd in (stdin_r, vault_r):
            if fd is not None:
                os.close(fd)


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
    # Ctrl-C at a terminal reaches the whole foreground process group, this launcher with it: the
    # worker (or CLI) it runs for decides, and ends the run with SIGTERM or by going away. A worker
    # stopping gracefully on Ctrl-C lets its runs end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    args = sys.argv[1:]
    if not args:
        sys.stderr.write("usage: amble_launch.py PROGRAM [ARG...]\n")
        return 2
    env = dict(os.environ)
    executor = env.pop("AMBLE_EXECUTOR_SOCKET", "")
    password = None
    if env.pop("AMBLE_BECOME_PASSWORD_ON_STDIN", "") == "1":
        password = sys.stdin.buffer.readline().rstrip(b"\r\n")
        args = args + ["--become-password-file", "-"]
    cache_password = None
    python = env.pop("AMBLE_ANSIBLE_PYTHON", "")
    if env.pop("AMBLE_REDIS_PASSWORD_ON_STDIN", "") == "1":
        cache_password = sys.stdin.buffer.readline().rstrip(b"\r\n")
    vault = None
    if env.pop("AMBLE_VAULT_PASSWORD_ON_STDIN", "") == "1":
        vault = sys.stdin.buffer.read().strip()
    parent = os.getppid()
    proc = (
        fork_in_executor(executor, args, env, password, vault, cache_password) if executor else None
    )
    if proc is None:
        vault_r = vault_pipe(vault) if vault is not None else None
        vault_args = ["--vault-password-file", "/dev/fd/%d" % vault_r] if vault_r is not None else []
        cache_r = vault_pipe(cache_password) if cache_password is not None else None
        command = args
        if cache_r is not None:
            here = os.path.dirname(os.path.abspath(__file__))
            command = [python, os.path.join(here, "amble_cache_password.py"), str(cache_r)] + args
        try:
            proc = subprocess.Popen(
                command + vault_args,
                env=env,
                stdin=subprocess.PIPE if password is not None else subprocess.DEVNULL,
                start_new_session=True,
                pass_fds=tuple(fd for fd in (vault_r, cache_r) if fd is not None),
                # Ansible gets Ctrl-C's default back (an ignored signal stays ignored across exec).
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )
        finally:
            for fd in (vault_r, cache_r):
                if fd is not None:
                    os.close(fd)
        if password is not None:
            proc.stdin.write(password + b"\n")
            proc.stdin.close()
    password = None
    vault = None
    cache_password = None

    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
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
