"""amble's action plugin for its module amble_lock: runs the module without Ansible's wrapper.

A claim and a finish run amble_lock on every host walk. Ansible's module wrapper (AnsiballZ)
imports ansible.module_utils.basic on the host before the module runs, about 0.15 s of CPU on
the host each time, several times what the lock costs. The module needs nothing of Ansible (see
PlainModule in library/amble_lock.py), so this plugin lets Ansible do everything it does for a
module (interpreter discovery, become, environment, pipelining or a temporary file, the result's
parsing) but sends the module's own file, with the task's arguments in it, where the wrapper
would go.

The arguments go in as base64 of their JSON, so no value can end the string it is in: whatever a
workspace or rollout is called, the file that runs is the module's, word for word, but for that
one line.
"""

from __future__ import annotations

import base64
import dataclasses
import json

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

# The module's line that the task's arguments replace (library/amble_lock.py).
MARKER = b"\nPLAIN_ARGUMENTS = None\n"


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.update(self._execute_module(module_name="amble_lock", task_vars=task_vars))
        return result

    def _configure_module(self, module_name, module_args, task_vars):
        configured = super()._configure_module(module_name, module_args, task_vars)
        # ansible-core 2.19 answers (module bits, module path); another version may answer
        # otherwise (2.18: four values): then the module goes in Ansible's wrapper, as without
        # this plugin.
        try:
            bits, path = configured
            style, _ = bits.module_style, bits.b_module_data
        except (TypeError, ValueError, AttributeError):
            return configured
        if style != "new" or not dataclasses.is_dataclass(bits):
            return configured
        with open(path, "rb") as f:
            source = f.read()
        if source.count(MARKER) != 1:
            raise AnsibleError("%s: expected the line %r once" % (path, MARKER.strip().decode()))
        encoded = base64.b64encode(json.dumps(dict(module_args), default=str).encode("utf-8"))
        plain = source.replace(MARKER, b'\nPLAIN_ARGUMENTS = "' + encoded + b'"\n', 1)
        return dataclasses.replace(bits, b_module_data=plain), path
