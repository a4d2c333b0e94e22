"""Reads hosts' cached facts for amble, through Ansible's own fact cache.

amble plans from the facts that Ansible cached (amble init, and the refresh at
the end of each host's walk). This helper reads them with the cache plugin
that Ansible itself uses, loaded and configured as ansible-playbook does: by
ansible.cfg and the ANSIBLE_CACHE_PLUGIN* environment variables that amble
sets for its runs (jsonfile, community.general.redis, or any other). So it
reads exactly what Ansible wrote, wherever that is.

Usage: python3 amble_facts.py < HOSTS

Host names come on stdin, one JSON string per line (never in the argument
list: an inventory can have 100,000 hosts). For each, in the same order, one
JSON line goes to stdout:

  {"host": NAME, "facts": {...}}     the cached facts, as plain JSON values
  {"host": NAME}                     nothing cached for it

Plain values: ansible-core 2.19 keeps a host's facts as
{"__payload__": "<json>"} under the key s1_NAME, where tagged values are
{"__ansible_type": ..., "value": ...}; they come out as their values (what
amble's preconditions read), without decoding them into Ansible's types (a
vaulted value stays its ciphertext, and no vault password is needed).

Exit 0 when every host was answered; 1 with a message on stderr when the
cache cannot be read (a Redis that does not answer, a refused password, an
unreadable entry): then amble reports the message.
"""

from __future__ import annotations

import json
import sys

PAYLOAD_KEY = "__payload__"
TYPE_KEY = "__ansible_type"


def plain(value):
    """Ansible's tagged values ({"__ansible_type": ..., "value": ...}) as their values."""
    if isinstance(value, dict):
        if TYPE_KEY in value and "value" in value:
            return plain(value["value"])
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def open_cache():
    """The fact cache plugin that Ansible would use here, with its raw (unwrapped) get."""
    from ansible import constants as C
    from ansible.plugins.loader import cache_loader, init_plugin_loader

    init_plugin_loader()
    cache = cache_loader.get(C.CACHE_PLUGIN)
    # ansible-core 2.19 wraps persistent plugins in an interposer that prefixes keys with the
    # schema (s1_) and JSON-encodes values; its own decoding would rebuild Ansible's types, which
    # amble does not need. Unwrapped here: the plugin's get, with the interposer's key.
    wrapped = getattr(cache, "__wrapped__", None)
    if wrapped is None or not hasattr(cache, "_get_key"):
        return cache, lambda host: host
    return wrapped, cache._get_key


def forget(plugin, key):
    """Drops a key from the plugin's in-process copy, so memory stays flat over 100,000 hosts."""
    kept = getattr(plugin, "_cache", None)
    if isinstance(kept, dict):
        kept.pop(key, None)


def lookup(plugin, key):
    try:
        return plugin.get(key)
    except KeyError:
        return None
    finally:
        forget(plugin, key)


def facts_json(plugin, schema_key, host):
    """The host's facts as one line of JSON text, or None when nothing is cached for it."""
    stored = lookup(plugin, schema_key(host))
    if isinstance(stored, dict) and isinstance(stored.get(PAYLOAD_KEY), str):
        payload = stored[PAYLOAD_KEY]
        if TYPE_KEY not in payload and "\n" not in payload:
            return payload  # already plain JSON on one line: passed on without parsing
        return json.dumps(plain(json.loads(payload)), ensure_ascii=False)
    # Written by ansible-core before 2.19, under the bare host name.
    if stored is None and schema_key(host) != host:
        stored = lookup(plugin, host)
    if stored is None:
        return None
    return json.dumps(plain(stored), ensure_ascii=False, default=str)


def main():
    try:
        plugin, schema_key = open_cache()
    except Exception as e:  # what Ansible says is the message
        sys.stderr.write(f"amble: cannot open the fact cache: {e}\n")
        return 1
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        host = json.loads(line)
        try:
            facts = facts_json(plugin, schema_key, host)
        except Exception as e:
            sys.stderr.write(f"amble: cannot read the cached facts of {host}: {type(e).__name__}: {e}\n")
            return 1
        name = json.dumps(host, ensure_ascii=False)
        if facts is None:
            out.write('{"host":' + name + "}\n")
        else:
            out.write('{"host":' + name + ',"facts":' + facts + "}\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
