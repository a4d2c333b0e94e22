"""Helpers of bench/rollout (see that script): the fleet, the measuring wrapper, the table and the
per-step breakdown of one host walk.

  rollout.py fleet DIR HOSTS JOBS SECONDS CONCURRENCY VARY PYTHON
  rollout.py measure OUT.json -- COMMAND...     runs COMMAND, samples its process tree
  rollout.py table RUNDIR HOSTS
  rollout.py breakdown RUNDIR HOST
"""

import datetime
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import time

ANSIBLE_PROGRAMS = {"ansible-playbook", "ansible", "ansible-inventory"}
EXECUTOR = "amble_executor.py"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def host_name(i):
    return "bench-%02d" % i


def seconds_of(i, seconds, vary):
    # --vary: 1 to 6 s, deterministic from the host's index (a fixed shuffle of 1..6).
    return (1 + (i * 5) % 6) if vary else seconds


# ---------------------------------------------------------------------------------------- fleet


def fleet(d, hosts, jobs, seconds, concurrency, vary, python):
    """One folder of hosts on this machine, the way LocalFleet.java makes them, with an Amblefile
    and a playbook doing the same work."""
    os.makedirs(d, exist_ok=True)
    inv = {
        "bench": {
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": python,
                "amble_state_become": False,
            },
            "hosts": {},
        }
    }
    for i in range(1, hosts + 1):
        h = host_name(i)
        state = os.path.join(d, "hosts", h, "state")
        os.makedirs(state, exist_ok=True)
        inv["bench"]["hosts"][h] = {
            "amble_state_dir": state,
            "bench_seconds": seconds_of(i, seconds, vary),
        }
    with open(os.path.join(d, "inventory.yml"), "w") as f:
        json.dump(inv, f, indent=1)  # JSON is YAML
    # amble's runs use this file (ANSIBLE_CONFIG is the Amblefile folder's ansible.cfg), and so
    # does the ansible-playbook baseline: both see the same settings.
    with open(os.path.join(d, "ansible.cfg"), "w") as f:
        f.write("[defaults]\ninventory = inventory.yml\n")
    task = {"name": "sleep", "ansible.builtin.command": "sleep {{ bench_seconds }}"}
    job_names = ["job-%d" % j for j in range(1, jobs + 1)]
    amblefile = {
        "workspaces": {
            "bench": {
                "host_pattern": "bench",
                "workflow": "bench",
                "inventory": "inventory.yml",
                "sort_order": "ascending",
                "concurrency": concurrency,
            }
        },
        "workflows": {"bench": {"jobs": [{"job": j} for j in job_names]}},
        "jobs": {j: {"become": False, "tasks": [dict(task, name=j)]} for j in job_names},
    }
    with open(os.path.join(d, "Amblefile.yml"), "w") as f:
        json.dump(amblefile, f, indent=1)
    play = [
        {
            "hosts": "bench",
            "serial": concurrency,
            "gather_facts": True,
            "tasks": [dict(task, name=j) for j in job_names],
        }
    ]
    with open(os.path.join(d, "playbook.yml"), "w") as f:
        json.dump(play, f, indent=1)


# -------------------------------------------------------------------------------------- measure


def processes():
    """pid -> (ppid, rss bytes, argv) of every process."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
            with open("/proc/%s/cmdline" % name, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(name)] = (int(fields[1]), int(fields[21]) * PAGE, argv)
    return out


def pss(pid):
    """The process's proportional set size in bytes: its private pages, and its share of the pages
    it shares (a forked run's pages still shared with the executor it was forked from count once
    across them all, where RSS counts them in each)."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree(procs, root):
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    todo, seen = [root], []
    while todo:
        p = todo.pop()
        if p in procs:
            seen.append(p)
            todo.extend(children.get(p, []))
    return seen


def tree_cpu(root):
    """CPU seconds the processes under root (the measuring process) have used so far: each live
    descendant's own time and that of the children it has waited for (a child's time moves into
    its parent's when it is waited for, so nothing counts twice), and the children root itself has
    waited for (orphans it reaped). Not root's own time: sampling the tree's memory every 200 ms
    is the bench's work, which rusage of its children does not count either."""
    tick = os.sysconf("SC_CLK_TCK")
    members = tree(processes(), root)
    total = 0
    for pid in members:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime stime cutime cstime; of root, only the last two
        total += sum(int(x) for x in fields[13 if pid == root else 11 : 15])
    return total / tick


def ansible_program(argv):
    """The Ansible program a python process runs (python3 .../bin/ansible-playbook ...), if any."""
    if len(argv) > 1 and b"python" in os.path.basename(argv[0]):
        return os.path.basename(argv[1]).decode(errors="replace")
    if argv and argv[0]:
        return os.path.basename(argv[0]).decode(errors="replace")
    return None


def become_subreaper():
    """Makes this process the reaper of its descendants' orphans (prctl PR_SET_CHILD_SUBREAPER):
    a process that ends before it waited for its children (a run's controller that leaves with
    os._exit, an executor that outlives the JVM) hands them to this process instead of init, so
    their CPU time is counted here."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def reap_orphans(main_pid):
    """Waits for every ended child of this process but main_pid; returns how many."""
    n = 0
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return n
        if info is None or info.si_pid == main_pid:
            # the command itself is waited for by wait4 (an ended command hides later orphans
            # from this peek until it is reaped; they are reaped after it)
            return n
        os.waitpid(info.si_pid, 0)
        n += 1


def measure(out, command):
    """Runs command; every 200 ms sums the RSS and the PSS of its process tree (peaks kept) and
    notes every
    Ansible process started in it (forks of an Ansible process are not new Ansible processes);
    CPU seconds are the whole tree's: this process is the subreaper of the command's descendants,
    so a process orphaned in the tree is waited for here and counted (wait4's rusage of the
    command alone, the figure before, misses them: cpu_waited). SIGTERM and SIGINT are passed
    on."""
    become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    child = subprocess.Popen(command)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, _f: child.send_signal(s))
    peak, peak_pss, seen, orphans = 0, 0, {}, 0
    me = os.getpid()
    while True:
        orphans += reap_orphans(child.pid)
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        procs = processes()
        members = [p for p in tree(procs, me) if p != me]
        peak = max(peak, sum(procs[p][1] for p in members))
        peak_pss = max(peak_pss, sum(pss(p) for p in members))
        for p in members:
            prog = ansible_program(procs[p][2])
            parent = procs[p][0]
            parent_prog = ansible_program(procs.get(parent, (0, 0, []))[2])
            if prog in ANSIBLE_PROGRAMS and parent_prog != prog:
                seen.setdefault(p, prog)
            elif prog == EXECUTOR and parent_prog == EXECUTOR:
                # A run forked by amble's executor carries its command line; Ansible's own forks
                # of that run are one level further down.
                grandparent = procs.get(parent, (0, 0, []))[0]
                if ansible_program(procs.get(grandparent, (0, 0, []))[2]) != EXECUTOR:
                    seen.setdefault(p, "forked run")
        time.sleep(0.2)
    # What the command left running (orphans now this process's children) is waited for up to
    # 30 s; one still running then is not counted.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            ended, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if ended:
            orphans += 1
        else:
            time.sleep(0.1)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    all_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = {
        "command": command,
        "exit": os.waitstatus_to_exitcode(status),
        "wall": time.monotonic() - started,
        "cpu": all_cpu,
        "cpu_waited": usage.ru_utime + usage.ru_stime,
        "orphans_reaped": orphans,
        "peak_rss": peak,
        "peak_pss": peak_pss,
        "ansible_processes_seen": len(seen),
        "ansible_programs_seen": {p: list(seen.values()).count(p) for p in sorted(set(seen.values()))},
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    return result["exit"]


# ---------------------------------------------------------------------------------------- table


HEADER = re.compile(r"^# amble: (\S+): (\S+)")


def runs_in_logs(logs):
    """host folder -> number of Ansible processes whose log header is in its logs."""
    counts = {}
    if not os.path.isdir(logs):
        return counts
    for host in sorted(os.listdir(logs)):
        n = 0
        for root, _, files in os.walk(os.path.join(logs, host)):
            for name in files:
                if name.endswith(".log"):
                    with open(os.path.join(root, name), errors="replace") as f:
                        n += sum(1 for line in f if HEADER.match(line))
        counts[host] = n
    return counts


# The table's rows: what each of a, b and c runs.
ROWS = {
    "a": "ansible-playbook serial",
    "b": "amble run --embedded",
    "c": "amble run + server + worker",
}
C_ROLLOUT = "  c, the rollout only"


def medians(hosts, rundirs):
    """Each row's median over several runs of the bench: wall and CPU ratios to ansible-playbook's
    (each taken within its run), CPU per host, peak PSS."""
    rows = {}
    for d in rundirs:
        with open(os.path.join(d, "a.json")) as f:
            base = json.load(f)
        for key in ("a", "b", "c", "c-rollout"):
            path = os.path.join(d, key.split("-")[0] + ".json")
            if not os.path.exists(path):
                continue
            with open(path) as f:
                r = json.load(f)
            cpu = r.get("cpu_rollout") if key == "c-rollout" else r["cpu"]
            if cpu is None:
                continue
            rows.setdefault(key, []).append(
                (r["wall"] / base["wall"], cpu / base["cpu"], cpu / hosts, r.get("peak_pss", 0) / 1e6)
            )
    labels = dict(ROWS, **{"c-rollout": C_ROLLOUT})
    print("\nmedians of %d runs (each run's ratios to its own ansible-playbook):" % len(rundirs))
    print("%-29s %8s %8s %9s %9s   %s" % ("", "ratio", "CPU x", "CPU/host", "peak PSS", "CPU x of each run"))
    for key, values in rows.items():
        med = [statistics.median(v[i] for v in values) for i in range(4)]
        print(
            "%-29s %8s %7.2fx %9.2f %9s   %s"
            % (
                labels[key],
                "" if key == "c-rollout" else "%.2fx" % med[0],
                med[1],
                med[2],
                "" if key == "c-rollout" else "%.0f" % med[3],
                " ".join("%.2f" % v[1] for v in values),
            )
        )


def table(rundir, hosts):
    rows = []
    for key, label in ROWS.items():
        path = os.path.join(rundir, key + ".json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            r = json.load(f)
        rows.append((key, label, r))
    base = next((r for k, _, r in rows if k == "a"), None)
    print()
    print(
        "%-29s %8s %7s %9s %9s %9s %9s %8s %8s %6s %6s"
        % (
            "",
            "wall s",
            "s/host",
            "proc/host",
            "(seen)",
            "peak MB",
            "peak PSS",
            "CPU s",
            "CPU/host",
            "ratio",
            "CPU x",
        )
    )
    for key, label, r in rows:
        if key == "a":
            per_host = "%.2f" % (1 / hosts)
            logs = "1 play"
        else:
            per = r.get("runs_per_host", {})
            walked = [n for h, n in per.items() if h != "all"]
            logs = "%.2f" % (sum(walked) / max(1, len(walked)))
            if per.get("all"):
                logs += "+%d" % per["all"]
            per_host = logs
        print(
            "%-29s %8.1f %7.2f %9s %9.2f %9.0f %9s %8.1f %8.2f %6s %6s"
            % (
                label,
                r["wall"],
                r["wall"] / hosts,
                per_host,
                r["ansible_processes_seen"] / hosts,
                r["peak_rss"] / 1e6,
                "%.0f" % (r["peak_pss"] / 1e6) if "peak_pss" in r else "-",
                r["cpu"],
                r["cpu"] / hosts,
                "%.2fx" % (r["wall"] / base["wall"]) if base else "-",
                "%.2fx" % (r["cpu"] / base["cpu"]) if base else "-",
            )
        )
        if r["exit"] != 0 and key != "c":  # c's worker ends on SIGTERM
            print("  (exit %d)" % r["exit"])
        if key == "c" and "cpu_rollout" in r:
            print(
                "%-29s %8s %7s %9s %9s %9s %9s %8.1f %8.2f %6s %6s"
                % (
                    C_ROLLOUT,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    r["cpu_rollout"],
                    r["cpu_rollout"] / hosts,
                    "",
                    "%.2fx" % (r["cpu_rollout"] / base["cpu"]) if base else "-",
                )
            )
    print(
        "\nproc/host: Ansible processes per walked host, counted from the worker's logs (one"
        " '# amble: ...' header per process; +N: workspace-wide runs in logs/all/); (seen): Ansible"
        " processes seen by sampling the process tree every 200 ms, per host. peak MB: the"
        " measured process with its children (RSS summed every 200 ms: pages a fork shares with its"
        " parent count in each); peak PSS: the same tree's proportional set sizes summed (a shared"
        " page counts once, split among its sharers), in MB; CPU s: the tree's user +"
        " system time (rusage). ratio: wall time to ansible-playbook's; CPU x: CPU to"
        " ansible-playbook's. Measured process: a the"
        " ansible-playbook command; b the `amble run --embedded` JVM (worker and in-memory Temporal"
        " in it); c the `amble worker` JVM (wall: the `amble run` command's), from its start"
        " (the JVM's, the preflight's Ansible runs) to its stop. c, the rollout only: the worker's"
        " tree while `amble run` ran (two /proc snapshots: each live process's time and its"
        " waited-for children's) and the `amble run` command's tree (rusage), without the worker's"
        " start-up, which a worker pays once for all its rollouts; the server's CPU is in no row"
        " of c. `amble init` runs before b and c and is timed apart:"
    )
    for key, label, r in rows:
        programs = r.get("ansible_programs_seen") or {}
        seen = ", ".join("%s %d" % kv for kv in programs.items()) if isinstance(programs, dict) else "-"
        extra = "; amble init %.1f s" % r["init_wall"] if "init_wall" in r else ""
        print("  %s: Ansible processes seen: %s%s" % (label, seen, extra))


# ------------------------------------------------------------------------------------ breakdown


def instant(text):
    text = text.strip().rstrip("Z")
    if "+" in text[10:]:
        text = text[: text.rindex("+")]
    if "." in text:
        head, frac = text.split(".", 1)
        text = head + "." + (frac + "000000")[:6]
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc).timestamp()


BANNER = re.compile(r"^(PLAY \[.*?\]|TASK \[.*?\]|PLAY RECAP) \*+ (\d{4}-\d\d-\d\dT[\d:.]+)\s*$")


def log_runs(folder):
    """Every Ansible run in a host's logs: start (header), banners with their times, end (the
    log's mtime, the last write), program and step (the playbook's name)."""
    runs = []
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith(".log"):
                continue
            path = os.path.join(root, name)
            with open(path, errors="replace") as f:
                lines = f.read().splitlines()
            current = None
            for line in lines:
                m = HEADER.match(line)
                if m:
                    current = {
                        "log": path,
                        "start": instant(m.group(1)),
                        "program": m.group(2),
                        "line": line[:200],
                        "banners": [],
                    }
                    runs.append(current)
                    continue
                b = BANNER.match(line)
                if b and current is not None:
                    current["banners"].append((b.group(1), instant(b.group(2))))
            if runs and runs[-1]["log"] == path:
                runs[-1]["end"] = os.path.getmtime(path)
    runs.sort(key=lambda r: r["start"])
    return runs


def find_steps(status):
    """The steps of `amble status --host HOST --output json`, whatever the nesting."""
    if isinstance(status, dict):
        for key in ("steps", "walk"):
            if isinstance(status.get(key), list):
                return status[key]
        for v in status.values():
            s = find_steps(v)
            if s:
                return s
    return []


def step_times(step):
    start = None
    for key in ("started", "start", "startedAt", "started_at"):
        if step.get(key):
            start = instant(str(step[key]))
            break
    duration = None
    if step.get("tookMillis") is not None:
        return start, float(step["tookMillis"]) / 1000
    for key in ("duration_seconds", "durationSeconds", "seconds"):
        if step.get(key) is not None:
            duration = float(step[key])
            break
    if duration is None:
        for key in ("duration", "took"):
            v = step.get(key)
            if isinstance(v, (int, float)):
                duration = float(v) / (1000 if v > 1000 else 1)
            elif isinstance(v, str):
                duration = iso_duration(v)
            if duration is not None:
                break
    return start, duration


def iso_duration(text):
    m = re.match(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$", text)
    if m:
        h, mi, s = m.groups()
        return int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)
    m = re.match(r"^([\d.]+)\s*(ms|s)$", text)
    if m:
        return float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    return None


def breakdown(rundir, host, previous=None):
    with open(os.path.join(rundir, "status-%s.json" % host)) as f:
        status = json.load(f)
    steps = find_steps(status)
    runs = log_runs(os.path.join(rundir, "c-logs", host))
    with open(os.path.join(rundir, "startup.json")) as f:
        startup = json.load(f)
    print("\nWhere the time goes: one host walk (%s) of run c, from its own records" % host)
    print(
        "  Temporal: `amble status --host %s --output json` (the host workflow's start and close,"
        " each step's start, duration and worker); Ansible: each log's '# amble: <instant>:"
        " PROGRAM' header (process start), its banners (community.general.timestamp: each play's"
        " and task's start, the recap) and the log's last write." % host
    )
    print("\n  %-44s %7s %7s  %s" % ("step / part", "at s", "took s", "counted as"))
    totals = {}

    def add(kind, seconds):
        totals[kind] = totals.get(kind, 0.0) + seconds

    def row(label, at, took, kind=""):
        print("  %-44s %7.2f %7.2f  %s" % (short(label), at - t0, took, kind))
        if kind:
            add(kind, took)

    t0 = instant(status["started"])
    closed = instant(status["closedAt"]) if status.get("closedAt") else None
    if previous and previous.get("closedAt") and previous.get("host") != host:
        gap = t0 - instant(previous["closedAt"])
        if gap >= 0:  # hosts walked one after the other (at concurrency 1)
            print(
                "  (previous host %s closed %.2f s before this host workflow started)"
                % (previous.get("host"), gap)
            )
    cursor = t0
    for step in steps:
        start, duration = step_times(step)
        name = step.get("name") or step.get("activity") or "?"
        if start is None:
            print("  %-44s (no start in status)" % name)
            continue
        end = start + (duration or 0)
        row("(Temporal: to the next step)", cursor, start - cursor, "Temporal: workflow task + activity dispatch")
        print("  %-44s %7.2f %7.2f  on %s" % (short(name), start - t0, duration or 0, step.get("worker", "")))
        inside = [r for r in runs if os.path.basename(r["log"]) == os.path.basename(step.get("log") or "")] or [
            r for r in runs if start - 0.5 <= r["start"] <= end + 0.5
        ]
        at = start
        for r in inside:
            row("  worker: before the process", at, r["start"] - at, "worker: activity set-up")
            marks = [("process start", r["start"])] + r["banners"] + [("last write (recap)", r.get("end", r["start"]))]
            for (label, t), (_, nt) in zip(marks, marks[1:]):
                row("  " + label, t, nt - t, part_kind(label))
            at = r.get("end", r["start"])
        if inside:
            row("  worker: after the last write", at, end - at, "process exit + worker: result")
        else:
            row("  (no Ansible process)", start, duration or 0, "worker: steps without Ansible")
        cursor = end
    if closed is not None:
        row("(Temporal: to the close)", cursor, closed - cursor, "Temporal: workflow task + activity dispatch")
        print("  %-44s %7s %7.2f" % ("host walk", "", closed - t0))
    if closed is not None:
        work = totals.get("the work (the jobs' tasks)", 0.0)
        print(
            "\n  the walk took %.2f s, of which the jobs' tasks %.2f s: %.2f s around the work"
            % (closed - t0, work, closed - t0 - work)
        )
    print("\n  totals over the walk:")
    for kind, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print("    %-56s %7.2f s" % (kind, seconds))
    print("\n  start-up costs measured apart (median of 3, this machine, with amble's settings):")
    for label, value in startup.items():
        print("    %-56s %7.2f s" % (label, value))


def short(label):
    return label if len(label) <= 44 else label[:41] + "..."


def part_kind(label):
    if label == "process start":
        return "Ansible: interpreter, imports, config, inventory, playbook"
    if label.startswith("PLAY RECAP"):
        return "Ansible: recap and stats callbacks"
    if label.startswith("PLAY ["):
        return "Ansible: play set-up"
    if label == "TASK [Gathering Facts]" or "gather" in label.lower() or "facts" in label.lower():
        return "Ansible: fact gathering"
    if label.startswith("TASK [job-"):
        return "the work (the jobs' tasks)"
    return "Ansible: amble's own tasks (claim, state, lock)"


def startup_costs(out, bin_dir, inventory, env_json):
    """Median of 3 of each start-up cost, in the environment amble gives Ansible."""
    with open(env_json) as f:
        env = dict(os.environ, **json.load(f))
    python = os.path.join(bin_dir, "python3")

    def timed(cmd):
        walls = []
        for _ in range(3):
            t = time.monotonic()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            walls.append(time.monotonic() - t)
        return sorted(walls)[1]

    result = {
        "python3 -c pass": timed([python, "-c", "pass"]),
        "python3 -c 'import ansible.cli.playbook'": timed([python, "-c", "import ansible.cli.playbook"]),
        "ansible-playbook --version": timed([os.path.join(bin_dir, "ansible-playbook"), "--version"]),
        "ansible-inventory --list (this fleet)": timed(
            [os.path.join(bin_dir, "ansible-inventory"), "-i", inventory, "--list"]
        ),
    }
    p = subprocess.run(
        [python, "-X", "importtime", "-c", "import ansible.cli.playbook"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
    )
    # Nested imports are indented two spaces a level and printed before the module that imports
    # them: the whole import of ansible.cli.playbook, and its largest direct parts.
    whole, parts, pending = 0.0, {}, {}
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        depth = (len(m.group(3)) - 1) // 2
        if depth == 0:
            if m.group(4) == "ansible.cli.playbook":
                whole, parts = int(m.group(2)) / 1e6, pending
            pending = {}
        elif depth == 1:
            pending[m.group(4)] = int(m.group(2)) / 1e6
    result["python -X importtime: ansible.cli.playbook (cumulative)"] = whole
    for name, seconds in sorted(parts.items(), key=lambda kv: -kv[1])[:5]:
        result["  of which " + name] = seconds
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


def main():
    cmd = sys.argv[1]
    if cmd == "fleet":
        d, hosts, jobs, seconds, conc, vary, python = sys.argv[2:9]
        fleet(d, int(hosts), int(jobs), int(seconds), int(conc), vary == "1", python)
    elif cmd == "measure":
        sep = sys.argv.index("--")
        sys.exit(measure(sys.argv[2], sys.argv[sep + 1 :]))
    elif cmd == "runs":
        # rollout.py runs RESULT.json LOGS: adds the per-host Ansible runs from the logs.
        with open(sys.argv[2]) as f:
            r = json.load(f)
        r["runs_per_host"] = runs_in_logs(sys.argv[3])
        if len(sys.argv) > 4:
            r["init_wall"] = float(sys.argv[4])
        with open(sys.argv[2], "w") as f:
            json.dump(r, f, indent=1)
    elif cmd == "treecpu":
        print("%.2f" % tree_cpu(int(sys.argv[2])))
    elif cmd == "rollout-cpu":
        # rollout.py rollout-cpu RESULT.json BEFORE AFTER CLI.json: the rollout's CPU in the
        # production shape: the worker's tree while `amble run` ran (two /proc snapshots) and the
        # `amble run` command's own (its rusage); the server's is left out.
        with open(sys.argv[2]) as f:
            r = json.load(f)
        with open(sys.argv[5]) as f:
            cli = json.load(f)
        r["cpu_rollout_worker"] = float(sys.argv[4]) - float(sys.argv[3])
        r["cpu_rollout_cli"] = cli["cpu"]
        r["cpu_rollout"] = r["cpu_rollout_worker"] + r["cpu_rollout_cli"]
        with open(sys.argv[2], "w") as f:
            json.dump(r, f, indent=1)
    elif cmd == "medians":
        medians(int(sys.argv[2]), sys.argv[3:])
    elif cmd == "table":
        table(sys.argv[2], int(sys.argv[3]))
    elif cmd == "startup":
        startup_costs(*sys.argv[2:6])
    elif cmd == "breakdown":
        previous = None
        if len(sys.argv) > 4 and os.path.exists(os.path.join(sys.argv[2], "status-%s.json" % sys.argv[4])):
            with open(os.path.join(sys.argv[2], "status-%s.json" % sys.argv[4])) as f:
                previous = json.load(f)
        breakdown(sys.argv[2], sys.argv[3], previous)
    else:
        sys.exit("rollout.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
