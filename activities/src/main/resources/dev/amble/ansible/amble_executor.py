"""A long-lived Ansible executor for amble: imports Ansible once, forks a child per run.

Starting ansible-playbook costs about half a second of imports and plugin
loading before it reads its first playbook; a host walk makes several runs.
amble's worker starts one executor per distinct Ansible configuration (the
environment Ansible reads its settings from, the working folder, the ansible.cfg
files it would find): ``ansible.constants`` reads the configuration once, at
import, so one executor serves only runs whose configuration is the one it
imported.

The launcher (amble_launch.py) connects to the executor's socket and sends one
request: the program, its arguments, the working folder, the environment, and
its own stdin, stdout and stderr as file descriptors. The executor forks; the
child starts a session of its own (so that the whole tree can be signalled at
once), takes those descriptors, folder and environment, and runs the program's
command line in-process. The executor answers with the child's pid, and with
its exit code when it ends. A crashed child is one process that ended: the
executor and other runs go on. The become password reaches the child on the
stdin the launcher hands over (a pipe): never in an argument list, an
environment or a file. The vault password, if any, comes on a fourth
descriptor (a pipe of its own), which the child keeps as its descriptor 3 and
Ansible reads as /dev/fd/3. The Redis fact store's password, if any, comes in
the request (never in its environment) and is given to Ansible's cache plugin
in the child only (amble_cache_password.py).

The executor ends every child's session and exits when the process that
started it is gone (its stdin closes, or its parent changes): an orphaned job
never runs beside the retry of the same job. A launcher that goes away before
its child ended (it was killed) gets its child's session ended too. On SIGTERM
the executor accepts no new run and exits when its runs have ended.

Usage: python3 amble_executor.py SOCKET [IDLE_SECONDS]
Writes "ready" on stdout once it accepts runs.
"""

import errno
import json
import os
import select
import signal
import socket
import struct
import sys
import time

GRACE_SECONDS = 3.0
PROGRAMS = {
    "ansible-playbook": ("ansible.cli.playbook", "PlaybookCLI"),
    "ansible-inventory": ("ansible.cli.inventory", "InventoryCLI"),
}
MAX_REQUEST = 1 << 20
# How often a run's controller checks on its workers, unless ansible.cfg says (see poll_less).
POLL_SECONDS = 0.02


def warm():
    """Imports what every run needs, and reads the docs of Ansible's common plugins once."""
    import importlib

    for module, _ in PROGRAMS.values():
        importlib.import_module(module)
    import ansible.executor.playbook_executor  # noqa: F401
    import ansible.executor.task_executor  # noqa: F401
    import ansible.executor.process.worker  # noqa: F401
    from ansible.plugins import loader

    # Loading a plugin imports its module and registers its settings (parsed from its YAML
    # docs) with Ansible's configuration; the children inherit both. The loaders' path
    # caches are cleared afterwards, so each run looks plugins up afresh (with its own
    # playbook folder and collections).
    common = [
        (loader.connection_loader, ["ssh", "local"]),
        (loader.callback_loader, ["default", "minimal"]),
        (loader.strategy_loader, ["linear", "free"]),
        (loader.shell_loader, ["sh"]),
        (loader.become_loader, ["sudo", "su"]),
        (loader.inventory_loader, ["host_list", "script", "auto", "yaml", "ini", "toml"]),
        (loader.cache_loader, ["jsonfile", "memory"]),
        (loader.vars_loader, ["host_group_vars"]),
        (loader.action_loader, ["normal", "command", "gather_facts", "copy", "template"]),
    ]
    for plugins, names in common:
        for name in names:
            try:
                plugins.get(name, class_only=True)
            except Exception:  # a plugin this Ansible lacks is loaded by the run, if used
                pass
    # Every built-in plugin of these kinds has its settings registered here once: a run lists
    # them all (to find the callbacks to enable, the connection and shell plugins' options) and
    # would otherwise parse each one's documentation again. Only Ansible's own: a plugin of the
    # Amblefile's folder or the configured paths is looked up and loaded by each run, so an
    # edited one takes effect at the next run.
    import ansible.plugins

    for plugins, kind in (
        (loader.callback_loader, "callback"),
        (loader.connection_loader, "connection"),
        (loader.shell_loader, "shell"),
        (loader.become_loader, "become"),
    ):
        folder = os.path.join(os.path.dirname(ansible.plugins.__file__), kind)
        for file in sorted(os.listdir(folder)):
            name, extension = os.path.splitext(file)
            if extension != ".py" or name.startswith("_"):
                continue
            try:
                module = importlib.import_module("ansible.plugins.%s.%s" % (kind, name))
                plugins._load_config_defs(name, module, os.path.join(folder, file))
            except Exception:  # a plugin that fails to load fails in the run that uses it
                pass
    for plugins, _ in common:
        plugins._clear_caches()
    cache_collection_routing()
    poll_less()


def poll_less():
    """Has every run's controller check on its workers every POLL_SECONDS, not every millisecond.

    While a task runs, Ansible's controller sleeps for internal_poll_interval (default 0.001 s)
    between looks at its workers: a thousand wake-ups a second, about 0.05 s of CPU per second of
    task. ansible-playbook pays that once for all the hosts of a play; amble's runs are one per
    host walk, so ten walks at once paid it ten times (half of a forked run's own CPU in a 5 s
    job). Ansible documents the setting for this: "higher values are more suitable for Ansible
    usage in automation scenarios, when UI responsiveness is not required but CPU usage might be
    a concern". A task's end is then seen up to POLL_SECONDS later. It has no environment variable:
    an internal_poll_interval in the ansible.cfg Ansible reads is left as it is.
    """
    from ansible import constants

    try:
        _, origin = constants.config.get_config_value_and_origin("DEFAULT_INTERNAL_POLL_INTERVAL")
    except Exception:  # an Ansible without the setting: as it is
        return
    if origin == "default":
        constants.DEFAULT_INTERNAL_POLL_INTERVAL = POLL_SECONDS


def cache_collection_routing():
    """Parses ansible.builtin's routing table once, here, for every run forked from here.

    Every run reads ansible.builtin's routing (ansible_builtin_runtime.yml, some 9,000 lines of
    YAML), and parsing it was half of a forked run's own CPU time. Ansible's collection loader
    parses it with _meta_yml_to_dict, a function it documents as one that tools may replace,
    with a content id "to allow other implementations to cache the output". The replacement
    answers the table parsed here when the content id and the file's bytes are the ones parsed
    here, and parses anything else as Ansible does (other collections' tables, in each run). A
    run's changes to the table it got stay in that run (fork copies memory on write).
    """
    import ansible
    from ansible.utils.collection_loader import _collection_finder

    parse = _collection_finder._meta_yml_to_dict
    if parse is None:
        return
    content_id = ("ansible.builtin", "runtime.yml")
    path = os.path.join(os.path.dirname(ansible.__file__), "config", "ansible_builtin_runtime.yml")
    try:
        with open(path, "rb") as f:
            raw = f.read()
        table = parse(raw, content_id)
    except Exception:  # the run reads it, and says what is wrong with it
        return

    def builtin_parsed_once(data, cid):
        if cid == content_id and data == raw:
            return table
        return parse(data, cid)

    _collection_finder._meta_yml_to_dict = builtin_parsed_once


def run_child(request, fds):
    """In the forked child: become the program, run it, never return."""
    code = 1
    try:
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        signal.set_wakeup_fd(-1)
        close_all_but(len(fds))
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if request.get("cache_password") is not None:
            import amble_cache_password

            amble_cache_password.install(request["cache_password"])
        module, cls = PROGRAMS[request["program"]]
        cli = getattr(sys.modules[module], cls)
        argv = [request["program"]] + list(request["args"])
        sys.argv = argv
        try:
            cli.cli_executor(argv)
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException as e:  # noqa: B902 -- the child must end with a code, whatever happened
        try:
            sys.stderr.write("amble executor: run failed: %r\n" % (e,))
        except Exception:
            pass
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def configuration(env):
    """What of an environment Ansible may read at import: all but amble's own per-run settings."""
    return {k: v for k, v in env.items() if not k.startswith("AMBLE_")}


def differences(request):
    """The names of the settings in which a run's configuration differs from this executor's."""
    theirs, ours = configuration(request["env"]), configuration(os.environ)
    names = sorted(k for k in set(theirs) | set(ours) if theirs.get(k) != ours.get(k))
    if request["cwd"] != os.getcwd():
        names.append("working folder")
    return names


def close_all_but(kept):
    """The child keeps only its stdin, stdout, stderr and vault pipe (not the executor's sockets)."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd >= kept:
            try:
                os.close(fd)
            except OSError:
                pass


def end_session(pid, sig):
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def send(conn, message):
    try:
        conn.send(json.dumps(message).encode())
    except OSError:
        pass


def peer_uid(conn):
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


class Executor:
    def __init__(self, path, idle_seconds):
        self.path = path
        self.idle_seconds = idle_seconds
        self.parent = os.getppid()
        self.runs = {}  # connection -> child pid
        self.ending = {}  # child pid -> time its launcher went away
        self.draining = False
        self.last_activity = time.monotonic()

    def serve(self):
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "draining", True))
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.path)
        os.chmod(self.path, 0o600)
        listener.listen(64)
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        while True:
            watched = [wake_r, sys.stdin.fileno()] + list(self.runs)
            if not self.draining:
                watched.append(listener)
            try:
                readable, _, _ = select.select(watched, [], [], 0.25)
            except InterruptedError:
                readable = []
            if wake_r in readable:
                try:
                    os.read(wake_r, 512)
                except BlockingIOError:
                    pass
            self.reap()
            if sys.stdin.fileno() in readable and not os.read(sys.stdin.fileno(), 512):
                return self.abandon()
            if os.getppid() != self.parent:
                return self.abandon()
            if listener in readable:
                self.accept(listener)
            for conn in [c for c in readable if c in self.runs]:
                self.launcher_gone(conn)
            self.end_stragglers()
            if not self.runs and not self.ending:
                idle = time.monotonic() - self.last_activity > self.idle_seconds
                if self.draining or idle:
                    return 0

    def accept(self, listener):
        conn, _ = listener.accept()
        self.last_activity = time.monotonic()
        fds = []
        try:
            if peer_uid(conn) != os.getuid():
                send(conn, {"refused": "another user"})
                conn.close()
                return
            data, fds, _, _ = socket.recv_fds(conn, MAX_REQUEST, 4)
            request = json.loads(data)
            if request.get("program") not in PROGRAMS or len(fds) not in (3, 4):
                send(conn, {"refused": "not a run this executor serves"})
                conn.close()
                return
            differ = differences(request)
            if differ:
                # Ansible read its settings when this executor imported it: another environment
                # or folder would get this one's settings. (Names only: values may be secrets.)
                send(conn, {"refused": "another configuration: " + ", ".join(differ)})
                conn.close()
                return
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            pid = os.fork()
            if pid == 0:
                conn.close()
                run_child(request, fds)
            send(conn, {"pid": pid})
            self.runs[conn] = pid
        except Exception as e:  # a bad request ends that request only
            send(conn, {"refused": "bad request: %s" % e})
            conn.close()
        finally:
            for fd in fds:
                os.close(fd)

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            if self.ending.pop(pid, None) is not None:
                end_session(pid, signal.SIGKILL)  # what the run started goes with it
            for conn, child in list(self.runs.items()):
                if child == pid:
                    send(conn, {"exit": code if code >= 0 else 128 - code})
                    conn.close()
                    del self.runs[conn]
                    self.last_activity = time.monotonic()

    def launcher_gone(self, conn):
        try:
            if conn.recv(512):
                return  # launchers send nothing after the request; ignore it
        except OSError:
            pass
        pid = self.runs.pop(conn)
        conn.close()
        end_session(pid, signal.SIGTERM)
        self.ending[pid] = time.monotonic()

    def end_stragglers(self):
        now = time.monotonic()
        for pid, since in list(self.ending.items()):
            if now - since > GRACE_SECONDS:
                end_session(pid, signal.SIGKILL)

    def abandon(self):
        """The worker is gone: end every run's session and exit."""
        pids = list(self.runs.values()) + list(self.ending)
        for pid in pids:
            end_session(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.05)
            self.reap()
        for pid in pids:
            end_session(pid, signal.SIGKILL)
        return 0


def alive(sid):
    try:
        os.killpg(sid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: amble_executor.py SOCKET [IDLE_SECONDS]\n")
        return 2
    idle = float(sys.argv[2]) if len(sys.argv) == 3 else 600.0
    warm()
    executor = Executor(sys.argv[1], idle)
    try:
        return executor.serve()
    finally:
        try:
            os.unlink(sys.argv[1])
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise


if __name__ == "__main__":
    sys.exit(main())
