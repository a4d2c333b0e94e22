#!/usr/bin/python
"""amble's Ansible module: take, release or remove a host's lock in one step.

The lock is the file STATE_DIR/amble_lock.fact (an Ansible local fact), holding
{"workspace", "rollout", "controller", "since"} as JSON. Taking it is atomic:
the content is written to a private temporary file first, then hard-linked to
the lock's name, which fails if the lock exists. So of two controllers claiming
one host at once exactly one creates the lock, and nobody ever reads a lock
half written. Only the standard library and Ansible's module_utils: it runs on
any python3 a host has, with become, and under --check (where it writes nothing).

With mark, the same module run also records the workflow in the host's remote
state, STATE_DIR/amble_state.fact: started once the lock is taken, succeeded
before it is released (a claim or a finish used to take four module runs).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import errno
import json
import os

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: amble_lock
short_description: take, release or remove amble's lock on a host, atomically
description:
  - C(state=present) creates STATE_DIR/amble_lock.fact only if it does not exist
    (one atomic step). When it exists and the same workspace holds it, the claim
    succeeds (a retried claim); when another workspace holds it, the result says
    C(refused) and names the holder in C(holder), unless C(stomp) is true, which
    replaces it.
  - C(mark=started) with C(state=present) records, once the lock is taken,
    WORKSPACE's entry in STATE_DIR/amble_state.fact as C(workflow),
    C(rollout), C(started=since). C(mark=succeeded) with C(state=absent)
    records C(succeeded=since) (keeping C(started)) before the lock is
    released, whoever holds it. The file is replaced in one rename.
  - C(state=absent) removes the lock if WORKSPACE holds it, or whoever holds it
    with C(force); C(removed) is the lock it removed.
options:
  state_dir: {type: path, required: true, description: the host's amble state folder}
  state: {type: str, choices: [present, absent], default: present, description: take or free}
  workspace: {type: str, description: the workspace claiming or releasing}
  rollout: {type: str, default: "", description: the rollout claiming}
  controller: {type: str, default: "", description: who claims, e.g. worker@machine}
  since: {type: str, default: "", description: when (ISO-8601)}
  stomp: {type: bool, default: false, description: take the lock from another workspace}
  force: {type: bool, default: false, description: with state=absent, remove any holder's lock}
  mark: {type: str, choices: ["", started, succeeded], default: "", description: record the workflow}
  workflow: {type: str, default: "", description: the workflow recorded with mark}
"""

LOCK_FILE = "amble_lock.fact"
STATE_FILE = "amble_state.fact"
NO_HARD_LINKS = set(
    getattr(errno, name)
    for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "ENOSYS", "EMLINK")
    if hasattr(errno, name)
)


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
    """Records WORKSPACE's workflow as started or succeeded in the remote state: whether it did."""
    p = module.params
    path = os.path.join(folder, STATE_FILE)
    state = read_state(path)
    workspaces = state.get("workspaces")
    workspaces = dict(workspaces) if isinstance(workspaces, dict) else {}
    before = workspaces.get(p["workspace"])
    entry = {"workflow": p["workflow"], "rollout": p["rollout"]}
    if step == "started":
        entry["started"] = p["since"]
    else:
        started = before.get("started") if isinstance(before, dict) else None
        entry["started"] = started if started is not None else p["since"]
        entry["succeeded"] = p["since"]
    if entry == before:
        return False
    workspaces[p["workspace"]] = entry
    state["workspaces"] = workspaces
    if not module.check_mode:
        content = json.dumps(state, indent=4, sort_keys=True, separators=(",", ": "))
        replace(path, content.encode("utf-8"))
    return True


def claim(module, path):
    p = module.params
    if not p["workspace"]:
        module.fail_json(msg="workspace is required to take the lock")
    mine = {
        "workspace": p["workspace"],
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
    result = take(module, path, mine)
    if result["taken"] and p["mark"] == "started":
        if mark(module, folder, "started"):
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
        if held.get("workspace") == p["workspace"]:
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
    if p["mark"] != "succeeded":
        return free(module, path)
    if not p["workspace"]:
        module.fail_json(msg="workspace is required to mark the workflow succeeded")
    marked = mark(module, os.path.dirname(path), "succeeded")
    result = free(module, path)
    result["changed"] = result["changed"] or marked
    result["marked"] = "succeeded"
    return result


def free(module, path):
    p = module.params
    held = read_lock(path)
    if held is None:
        return dict(changed=False, removed=None, msg="not locked")
    if not p["force"] and held.get("workspace") != p["workspace"]:
        return dict(
            changed=False,
            removed=None,
            holder=held,
            msg="kept: workspace %s holds the lock" % held.get("workspace"),
        )
    if module.check_mode:
        return dict(changed=True, removed=held)
    if not remove(path):
        return dict(changed=False, removed=None, msg="not locked")
    sync_folder(os.path.dirname(path))
    return dict(changed=True, removed=held)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state_dir=dict(type="path", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            workspace=dict(type="str"),
            rollout=dict(type="str", default=""),
            controller=dict(type="str", default=""),
            since=dict(type="str", default=""),
            stomp=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            mark=dict(type="str", choices=["", "started", "succeeded"], default=""),
            workflow=dict(type="str", default=""),
        ),
        supports_check_mode=True,
    )
    path = os.path.join(module.params["state_dir"], LOCK_FILE)
    try:
        if module.params["state"] == "present":
            result = claim(module, path)
        else:
            result = release(module, path)
    except (IOError, OSError) as e:
        module.fail_json(msg="%s: %s" % (path, e))
    module.exit_json(lock_file=path, **result)


if __name__ == "__main__":
    main()
