"""amble's Ansible callback: one JSON object per line, for amble to read.

Enabled by amble alongside the usual output (which goes to the job's log).
Writes to the file named by AMBLE_EVENTS_FILE:

  {"event": "task", "name": ..., "action": ...}          a task starts
  {"event": "ok"|"changed"|"failed"|"unreachable"|"skipped",
   "host": ..., "task": ..., "action": ..., "msg": ...}   a result
  {"event": "stats", "hosts": {host: {"ok": n, ...}}}     the play recap

When AMBLE_HOST_STATE_FILE names a file (prepare only), the result of the
task that gathers facts also writes there, one line per host:

  {"host": ..., "facts": {...}, "vars": {...}, "vaulted": [...]}

the facts just gathered, and the host's inventory vars as Ansible sees them
now (what `ansible-inventory --host` prints, without facts), so that amble
checks preconditions against both without another Ansible process. Vars from
Ansible Vault (inline `!vault` values, and vars of vault-encrypted files) are
decrypted there, so that preconditions decide on their values, and their
values are listed in "vaulted", so that amble keeps them out of what it
reports (a precondition's reason says `<vault>`). That file is private to the
run and deleted after it: it never reaches Temporal.

Messages are cut to one short line: the full output stays in the log, and
nothing long or multi-line reaches Temporal's history.
"""

from __future__ import annotations

import copy
import json
import os
from collections import defaultdict

from ansible import constants as C

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: amble_events
    type: notification
    short_description: task and result events for amble, as JSON lines
    description:
      - Writes one JSON object per task start and per host result to the file
        named by the environment variable AMBLE_EVENTS_FILE.
    requirements:
      - enabled by amble through ANSIBLE_CALLBACKS_ENABLED
"""

MAX_MESSAGE = 300

# The task of prepare.yml whose result carries the facts (keep in step with prepare.yml).
GATHER_TASK = "amble: gather facts and the remote state"


class _NoFacts(dict):
    """A fact cache that has no host: inventory vars without facts."""

    def get(self, key, default=None):
        raise KeyError(key)


def _ciphertext(value):
    """The vault ciphertext behind a value, if it is an inline vault value; else None."""
    if hasattr(value, "__ENCRYPTED__"):  # Ansible before 2.19
        return getattr(value, "_ciphertext", b"") or b"vault"
    try:
        from ansible.parsing.vault import VaultHelper
    except ImportError:
        return None
    return VaultHelper.get_ciphertext(value, with_tags=False)


def _from_encrypted_file(value, encrypted_files):
    """Whether the value was read from a vault-encrypted file (Ansible 2.19 tags values' origins)."""
    try:
        from ansible._internal._datatag._tags import Origin
    except ImportError:
        return False
    origin = Origin.get_tag(value)
    path = getattr(origin, "path", None)
    if not path:
        return False
    if path not in encrypted_files:
        try:
            with open(path, "rb") as f:
                encrypted_files[path] = f.read(14) == b"$ANSIBLE_VAULT"
        except OSError:
            encrypted_files[path] = False
    return encrypted_files[path]


def _plain(value):
    """A vault value as its plaintext (decrypted), anything else as it is."""
    if _ciphertext(value) is not None:
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _scalars(value, into):
    """Every string and number in a value, as text."""
    if isinstance(value, dict):
        for v in value.values():
            _scalars(v, into)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _scalars(v, into)
    elif isinstance(value, bool) or value is None:
        pass
    else:
        text = str(value)
        if text:
            into.add(text)


def _vaulted(value, secret, encrypted_files, into):
    """The plaintexts of the vault values in a var (all of it when its file was encrypted)."""
    secret = secret or _from_encrypted_file(value, encrypted_files)
    if _ciphertext(value) is not None:
        _scalars(str(value), into)
    elif isinstance(value, dict):
        for v in value.values():
            _vaulted(v, secret, encrypted_files, into)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _vaulted(v, secret, encrypted_files, into)
    elif secret:
        _scalars(value, into)


def one_line(value):
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "amble_events"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        path = os.environ.get("AMBLE_EVENTS_FILE")
        self._out = open(path, "a", encoding="utf-8") if path else None
        self._host_state_file = os.environ.get("AMBLE_HOST_STATE_FILE")
        self._variables = None

    def _emit(self, **event):
        if self._out is None:
            return
        self._out.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        self._out.flush()

    def _result(self, kind, result, msg=None):
        task = result._task
        self._emit(
            event=kind,
            host=result._host.get_name(),
            task=task.get_name(),
            action=task.action,
            msg=one_line(msg) if msg else "",
            ignored=self._ignored(kind, task),
        )

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit(event="task", name=task.get_name(), action=task.action)

    def v2_playbook_on_handler_task_start(self, task):
        self._emit(event="task", name=task.get_name(), action=task.action)

    def v2_playbook_on_play_start(self, play):
        self._variables = getattr(play, "_variable_manager", None)

    def v2_runner_on_ok(self, result):
        changed = bool(result._result.get("changed"))
        self._result("changed" if changed else "ok", result)
        if self._host_state_file and result._task.get_name() == GATHER_TASK:
            self._host_state(result)

    def _host_state(self, result):
        host = result._host
        inventory_vars = {}
        if self._variables is not None:
            variables = copy.copy(self._variables)
            variables._fact_cache = _NoFacts()
            variables._nonpersistent_fact_cache = defaultdict(dict)
            inventory_vars = variables.get_vars(host=host, include_hostvars=False, stage="all")
            for internal in C.INTERNAL_STATIC_VARS:
                inventory_vars.pop(internal, None)
        vaulted, encrypted_files = set(), {}
        for value in inventory_vars.values():
            _vaulted(value, False, encrypted_files, vaulted)
        line = {
            "host": host.get_name(),
            "facts": result._result.get("ansible_facts", {}),
            "vars": {k: _plain(v) for k, v in inventory_vars.items()} if vaulted else inventory_vars,
            "vaulted": sorted(vaulted),
        }
        fd = os.open(self._host_state_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        r = result._result
        # A no_log task's result reaches callbacks censored; its message stays out of amble's
        # records, and amble leaves Ansible's error report of it out of history too.
        hidden = "censored" in r
        msg = r.get("msg") or r.get("stderr") or r.get("reason") or "failed"
        if hidden:
            msg = "its output is hidden (no_log)"
        elif "rc" in r and r.get("rc") not in (0, None):
            msg = "rc=%s: %s" % (r["rc"], msg)
        self._emit(
            event="failed",
            host=result._host.get_name(),
            task=result._task.get_name(),
            action=result._task.action,
            msg=one_line(msg),
            ignored=bool(ignore_errors),
            hidden=hidden,
        )

    def v2_runner_on_unreachable(self, result):
        self._result("unreachable", result, result._result.get("msg") or "unreachable")

    def _ignored(self, kind, task):
        if kind == "unreachable":
            return bool(getattr(task, "ignore_unreachable", False))
        return bool(getattr(task, "ignore_errors", False))

    def v2_runner_on_skipped(self, result):
        self._result("skipped", result)

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for host in sorted(stats.processed.keys()):
            hosts[host] = stats.summarize(host)
        self._emit(event="stats", hosts=hosts)
        if self._out is not None:
            self._out.close()
            self._out = None
