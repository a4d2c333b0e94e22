#!/usr/bin/python
"""amble's Ansible module: take, release or remove a host's lock in one step.

The lock is the file STATE_DIR/amble_lock.fact (an Ansible local fact), holding
{"workspace", "project", "rollout", "controller", "since"} as JSON. Its "workspace" is the
holder's key: the bare workspace name for project "default" (as every lock before projects
was, so such a lock reads as project default's), PROJECT/WORKSPACE for any other project. An
older module compares that field with its bare workspace name: it refuses another project's
lock, and keeps it on release, instead of taking it over. Taking it is atomic:
the content is written to a private temporary file first, then hard-linked to
the lock's name, which fails if the lock exists. So of two controllers claiming
one host at once exactly one creates the lock, and nobody ever reads a lock
half written. Only the standard library and Ansible's module_utils: it runs on
any python3 a host has, with become, and under --check (where it writes nothing).

With mark, the same module run also records the workflow in the host's remote
state, STATE_DIR/amble_state.fact, under the same key: started once the lock is
taken, succeeded before it is released (a claim or a finish used to take four
module runs).

Every change of the lock or the state happens under an exclusive flock of
STATE_DIR/.amble_state.flock (not a .fact: Ansible does not read it as a fact),
so two module runs never interleave a read and a write: no record is lost, and
a release removes exactly the lock it compared.

amble's action plugin of the same name (action_plugins/amble_lock.py) sends this file to the
host as it is, with the task's arguments in PLAIN_ARGUMENTS, instead of inside Ansible's module
wrapper: Ansible's wrapper imports ansible.module_utils.basic on the host before any module runs,
which costs several times what the lock itself does (a claim and a finish run this module on
every host walk). PlainModule then stands in for AnsibleModule. Run by Ansible without the
plugin, the module works as any other.
"""

# First, before any other import: the folder Python was started in is off the import path, as
# Ansible's module wrapper takes it off. Sent on stdin (pipelining), this file would otherwise
# import a json.py or fcntl.py of the current folder (the connecting user's home, or the
# Amblefile's folder for a local connection), with become as root. (Sent as a file, without
# pipelining, its own folder is first: Ansible's private temporary folder, which holds only it.)
import sys  # built in: never read from a folder

sys.path[:] = [p for p in sys.path if p not in ("", ".")]

import base64  # noqa: E402
import binascii  # noqa: E402
import contextlib  # noqa: E402
import errno  # noqa: E402
import fcntl  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

DOCUMENTATION = r"""
module: amble_lock
short_description: take, release or remove amble's lock on a host, atomically
description:
  - The key of PROJECT's WORKSPACE is WORKSPACE for project default, PROJECT/WORKSPACE
    otherwise; the lock's C(workspace) and the record's name in the state are that key.
  - C(state=present) creates STATE_DIR/amble_lock.fact only if it does not exist
    (one atomic step). When it exists and the same key holds it, the claim
    succeeds (a retried claim, or a later rollout of the workspace, which the
    lock names from then on); when another key holds it, the result says
    C(refused) and names the holder in C(holder), unless C(stomp) is true, which
    replaces it.
  - C(mark=started) with C(state=present) records, once the lock is taken,
    the key's entry in STATE_DIR/amble_state.fact as C(workflow),
    C(rollout), C(started=since). C(mark=succeeded) with C(state=absent)
    records C(succeeded=since) (keeping C(started)) before the lock is
    released, unless the entry is another rollout's (a stale finish). The file
    is replaced in one rename, under the state folder's flock.
  - C(state=absent) removes the lock if this key and this C(rollout) hold it, or
    whoever holds it with C(force); C(removed) is the lock it removed. With
    C(force) and C(unlocked_by), records who removed it, when, why and the lock
    removed under C(unlocked) in the state.
options:
  state_dir: {type: path, required: true, description: the host's amble state folder}
  state: {type: str, choices: [present, absent], default: present, description: take or free}
  workspace: {type: str, description: the workspace claiming or releasing}
  project: {type: str, default: default, description: the workspace's project}
  rollout: {type: str, default: "", description: the rollout claiming or releasing}
  controller: {type: str, default: "", description: who claims, e.g. worker@machine}
  since: {type: str, default: "", description: when (ISO-8601)}
  stomp: {type: bool, default: false, description: take the lock from another workspace}
  force: {type: bool, default: false, description: with state=absent, remove any holder's lock}
  mark: {type: str, choices: ["", started, succeeded], default: "", description: record the workflow}
  workflow: {type: str, default: "", description: the workflow recorded with mark}
  unlocked_by: {type: str, default: "", description: with force, who unlocks (recorded)}
  unlock_reason: {type: str, default: "", description: with force, why (recorded)}
"""

LOCK_FILE = "amble_lock.fact"
STATE_FILE = "amble_state.fact"
FLOCK_FILE = ".amble_state.flock"
DEFAULT_PROJECT = "default"
# A filesystem without flock: changes are then serialised no more than before.
NO_FLOCK = set(
    getattr(errno, name)
    for name in ("ENOLCK", "ENOTSUP", "EOPNOTSUPP", "ENOSYS")
    if hasattr(errno, name)
)
NO_HARD_LINKS = set(
    getattr(errno, name)
    for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "ENOSYS", "EMLINK")
    if hasattr(errno, name)
)


def key(project, workspace):
    """The name of PROJECT's WORKSPACE in the lock and the state: bare for project default."""
    if not project or project == DEFAULT_PROJECT:
        return workspace
    return "%s/%s" % (project, workspace)


@contextlib.contextmanager
def serialised(folder):
    """Holds the state folder's flock: one module run at a time reads and changes its files."""
    if not os.path.isdir(folder):
        yield  # nothing to serialise: nothing is written (check mode)
        return
    fd = os.open(os.path.join(folder, FLOCK_FILE), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except (IOError, OSError) as e:
            if e.errno not in NO_FLOCK:
                raise
        yield
    finally:
        os.close(fd)  # frees the flock


def read_lock(path):
    """The lock at path: None when there is none, a dict otherwise."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except (IOError, OSError) as e:
        if e.errno == errno.ENOENT:
            return None
        raise
    try:
        lock = json.loads(raw.decode("utf-8"))
        if isinstance(lock, dict):
            return lock
    except ValueError:
        pass
    # Not amble's JSON: held by nobody we can name, but held.
    return {"workspace": "?", "unreadable": raw[:200].decode("utf-8", "replace")}


def write_temp(folder, content):
    """A new file in folder with content, flushed to disk: its path."""
    for _ in range(100):
        suffix = binascii.hexlify(os.urandom(6)).decode("ascii")
        name = ".amble_lock.%d.%s.tmp" % (os.getpid(), suffix)
        path = os.path.join(folder, name)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except OSError as e:
            if e.errno == errno.EEXIST:
                continue
            raise
        try:
            write_all(fd, content)
            os.fchmod(fd, 0o644)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            remove(path)
            raise
        os.close(fd)
        return path
    raise OSError(errno.EEXIST, "no free temporary name in " + folder)


def write_all(fd, content):
    view = memoryview(content)
    while view:
        view = view[os.write(fd, view):]


def remove(path):
    """Removes path; whether it was there."""
    try:
        os.unlink(path)
        return True
    except OSError as e:
        if e.errno == errno.ENOENT:
            return False
        raise


def sync_folder(folder):
    """Makes a new name in folder durable (a lock outlives a reboot); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def create_exclusive(path, content):
    """Creates path with content unless it exists: whether this call created it."""
    folder = os.path.dirname(path)
    temp = write_temp(folder, content)
    try:
        try:
            os.link(temp, path)
            sync_folder(folder)
            return True
        except OSError as e:
            if e.errno == errno.EEXIST:
                return False
            if e.errno not in NO_HARD_LINKS:
                raise
        # A filesystem without hard links: the lock itself is created exclusively. A reader
        # may then see it empty for a moment, which read_lock takes as held.
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except OSError as e:
            if e.errno == errno.EEXIST:
                return False
            raise
        try:
            write_all(fd, content)
            os.fchmod(fd, 0o644)
            os.fsync(fd)
        finally:
            os.close(fd)
        sync_folder(folder)
        return True
    finally:
        remove(temp)


def replace(path, content):
    """Replaces path with content in one rename: readers see the old lock or the new."""
    folder = os.path.dirname(path)
    temp = write_temp(folder, content)
    try:
        os.rename(temp, path)
    except BaseException:
        remove(temp)
        raise
    sync_folder(folder)


def encode(lock):
    return (json.dumps(lock, sort_keys=True) + "\n").encode("utf-8")


def read_state(path):
    """The remote state at path as a dict; {} when missing or not a JSON object."""
    try:
        with open(path, "rb") as f:
            state = json.loads(f.read().decode("utf-8"))
    except (IOError, OSError) as e:
        if e.errno == errno.ENOENT:
            return {}
        raise
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def mark(module, folder, step):
    """mark_held under the state folder's flock."""
    with serialised(folder):
        return mark_held(module, folder, step)


def mark_held(module, folder, step):
    """Records the key's workflow as started or succeeded in the remote state: whether it did.

    The caller holds the folder's flock. Succeeded is not recorded over another rollout's entry:
    that rollout started after this one, which is stale.
    """
    p = module.params
    path = os.path.join(folder, STATE_FILE)
    state = read_state(path)
    workspaces = state.get("workspaces")
    workspaces = dict(workspaces) if isinstance(workspaces, dict) else {}
    name = key(p["project"], p["workspace"])
    before = workspaces.get(name)
    entry = {"workflow": p["workflow"], "rollout": p["rollout"]}
    if step == "started":
        entry["started"] = p["since"]
    else:
        if isinstance(before, dict) and before.get("rollout", p["rollout"]) != p["rollout"]:
            return False
        started = before.get("started") if isinstance(before, dict) else None
        entry["started"] = started if started is not None else p["since"]
        entry["succeeded"] = p["since"]
    if entry == before:
        return False
    workspaces[name] = entry
    state["workspaces"] = workspaces
    if not module.check_mode:
        write_state(path, state)
    return True


def write_state(path, state):
    content = json.dumps(state, indent=4, sort_keys=True, separators=(",", ": "))
    replace(path, content.encode("utf-8"))


def claim(module, path):
    p = module.params
    if not p["workspace"]:
        module.fail_json(msg="workspace is required to take the lock")
    mine = {
        "workspace": key(p["project"], p["workspace"]),
        "project": p["project"] or DEFAULT_PROJECT,
        "rollout": p["rollout"],
        "controller": p["controller"],
        "since": p["since"],
    }
    folder = os.path.dirname(path)
    if not module.check_mode and not os.path.isdir(folder):
        try:
            os.makedirs(folder, 0o755)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
    with serialised(folder):
        result = take(module, path, mine)
        if result["taken"] and p["mark"] == "started":
            if mark_held(module, folder, "started"):
                result["changed"] = True
            result["marked"] = "started"
    return result


def take(module, path, mine):
    p = module.params
    # Two tries: a lock seen here may be released before it is read.
    for _ in range(2):
        held = read_lock(path)
        if held is None:
            if module.check_mode:
                return dict(changed=True, taken=True, refused=False, lock=mine)
            if create_exclusive(path, encode(mine)):
                return dict(changed=True, taken=True, refused=False, lock=mine)
            continue  # somebody else created it first: see who
        if held.get("workspace") == mine["workspace"]:
            if held.get("rollout") == p["rollout"]:
                # The same claim again (a retried activity): nothing to do.
                return dict(changed=False, taken=True, refused=False, lock=held)
            # A later rollout of the same workspace: the lock names it from now on.
            if not module.check_mode:
                replace(path, encode(mine))
            return dict(changed=True, taken=True, refused=False, lock=mine, previous=held)
        if p["stomp"]:
            if not module.check_mode:
                replace(path, encode(mine))
            return dict(changed=True, taken=True, refused=False, lock=mine, stomped=held)
        return dict(
            changed=False,
            taken=False,
            refused=True,
            holder=held,
            msg="locked by workspace %s" % held.get("workspace"),
        )
    held = read_lock(path) or {"workspace": "?"}
    return dict(
        changed=False,
        taken=False,
        refused=True,
        holder=held,
        msg="locked by workspace %s" % held.get("workspace"),
    )


def release(module, path):
    p = module.params
    if not p["force"] and not p["workspace"]:
        module.fail_json(msg="workspace (or force) is required to release the lock")
    if p["mark"] == "succeeded" and not p["workspace"]:
        module.fail_json(msg="workspace is required to mark the workflow succeeded")
    folder = os.path.dirname(path)
    with serialised(folder):
        marked = p["mark"] == "succeeded" and mark_held(module, folder, "succeeded")
        result = free(module, path)
        if p["force"] and p["unlocked_by"] and result["removed"] is not None:
            record_unlock(module, folder, result["removed"])
    if p["mark"] == "succeeded":
        result["changed"] = result["changed"] or marked
        result["marked"] = "succeeded" if marked else ""
    return result


def free(module, path):
    """Removes the lock if this key's rollout holds it (or any, with force); the caller holds the
    state folder's flock, so the lock removed is the lock compared."""
    p = module.params
    held = read_lock(path)
    if held is None:
        return dict(changed=False, removed=None, msg="not locked")
    if not p["force"]:
        mine = key(p["project"], p["workspace"])
        if held.get("workspace") != mine:
            return dict(
                changed=False,
                removed=None,
                holder=held,
                msg="kept: workspace %s holds the lock" % held.get("workspace"),
            )
        if held.get("rollout") != p["rollout"]:
            return dict(
                changed=False,
                removed=None,
                holder=held,
                msg="kept: rollout %s of workspace %s holds the lock"
                % (held.get("rollout"), held.get("workspace")),
            )
    if module.check_mode:
        return dict(changed=True, removed=held)
    if not remove(path):
        return dict(changed=False, removed=None, msg="not locked")
    sync_folder(os.path.dirname(path))
    return dict(changed=True, removed=held)


def record_unlock(module, folder, removed):
    """Records under "unlocked" in the state who removed which lock, when and why."""
    p = module.params
    path = os.path.join(folder, STATE_FILE)
    state = read_state(path)
    state["unlocked"] = {
        "by": p["unlocked_by"],
        "when": p["since"],
        "reason": p["unlock_reason"],
        "lock": removed,
    }
    if not module.check_mode:
        write_state(path, state)


ARGUMENT_SPEC = dict(
    state_dir=dict(type="path", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    workspace=dict(type="str"),
    project=dict(type="str", default=DEFAULT_PROJECT),
    rollout=dict(type="str", default=""),
    controller=dict(type="str", default=""),
    since=dict(type="str", default=""),
    stomp=dict(type="bool", default=False),
    force=dict(type="bool", default=False),
    mark=dict(type="str", choices=["", "started", "succeeded"], default=""),
    workflow=dict(type="str", default=""),
    unlocked_by=dict(type="str", default=""),
    unlock_reason=dict(type="str", default=""),
)

BOOLEANS_TRUE = ("y", "yes", "on", "1", "true", "t")
BOOLEANS_FALSE = ("n", "no", "off", "0", "false", "f")


class Done(Exception):
    """The end of a PlainModule run: its result is printed."""


class PlainModule(object):
    """What run() needs of AnsibleModule, without Ansible on the host: the task's arguments checked
    against ARGUMENT_SPEC as AnsibleModule checks them (unknown names, required, choices, bool and
    path), check mode, and the result printed as JSON."""

    def __init__(self, args):
        self.check_mode = bool(args.get("_ansible_check_mode", False))
        unknown = sorted(k for k in args if not k.startswith("_ansible_") and k not in ARGUMENT_SPEC)
        if unknown:
            self.fail_json(
                msg="Unsupported parameters for (amble_lock) module: %s. Supported parameters"
                " include: %s." % (", ".join(unknown), ", ".join(sorted(ARGUMENT_SPEC)))
            )
        self.params = {}
        for name, spec in ARGUMENT_SPEC.items():
            self.params[name] = self.value(name, spec, args.get(name), name in args)

    def value(self, name, spec, value, given):
        if value is None and given:
            # An explicit null, as AnsibleModule takes it: no boolean, and the empty string for
            # text (then checked against the choices); a required one is missing (AnsibleModule
            # would take "" for a state folder: the current folder).
            if spec["type"] == "bool":
                self.fail_json(msg="argument '%s' is of type NoneType and we were unable to"
                               " convert to bool" % name)
            if not spec.get("required"):
                value = ""
        if value is None:
            if spec.get("required"):
                self.fail_json(msg="missing required arguments: %s" % name)
            return spec.get("default")
        if spec["type"] == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in BOOLEANS_TRUE:
                return True
            if text in BOOLEANS_FALSE:
                return False
            self.fail_json(msg="argument '%s' is of type %s and we were unable to convert to bool"
                           % (name, type(value).__name__))
        if isinstance(value, (dict, list, bool)):
            self.fail_json(msg="argument '%s' is of type %s and we were unable to convert to str"
                           % (name, type(value).__name__))
        value = value if isinstance(value, str) else str(value)
        if "choices" in spec and value not in spec["choices"]:
            self.fail_json(msg="value of %s must be one of: %s, got: %s"
                           % (name, ", ".join(spec["choices"]), value))
        if spec["type"] == "path":
            value = os.path.expanduser(os.path.expandvars(value))
        return value

    def exit_json(self, **result):
        print(json.dumps(result))
        raise Done()

    def fail_json(self, **result):
        result["failed"] = True
        self.exit_json(**result)


def plain(encoded):
    """Runs the module on the arguments the action plugin put in PLAIN_ARGUMENTS."""
    try:
        run(PlainModule(json.loads(base64.b64decode(encoded).decode("utf-8"))))
    except Done:
        pass


def main():
    # Imported here, not at the top: the copy the action plugin sends runs without Ansible.
    from ansible.module_utils.basic import AnsibleModule

    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True))


def run(module):
    path = os.path.join(module.params["state_dir"], LOCK_FILE)
    try:
        if module.params["state"] == "present":
            result = claim(module, path)
        else:
            result = release(module, path)
    except (IOError, OSError) as e:
        module.fail_json(msg="%s: %s" % (path, e))
    module.exit_json(lock_file=path, **result)


# The task's arguments, base64 of their JSON, in the copy amble's action plugin sends: this line
# exactly, once, is what the plugin replaces (action_plugins/amble_lock.py, MARKER).
PLAIN_ARGUMENTS = None

if __name__ == "__main__":
    if PLAIN_ARGUMENTS is None:
        main()
    else:
        plain(PLAIN_ARGUMENTS)
