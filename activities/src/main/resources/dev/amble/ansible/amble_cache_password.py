"""Hands the Redis fact store's password to Ansible's cache plugin, never to its environment.

amble's Ansible runs get the connection HOST:PORT:DB in ANSIBLE_CACHE_PLUGIN_CONNECTION,
without the password: every task and module Ansible starts on this machine (a local
connection, a task delegated to localhost) inherits Ansible's environment, and would read it
there (lookup('env', ...), `env` in a shell task). The password comes on a pipe of its own
instead, and is given to the cache plugin as a direct option (_uri) when Ansible loads it: it
is held in this process's memory only, never in os.environ, an argument list or a file.

install(password) is called in the process that runs Ansible's CLI in-process: the executor's
child (amble_executor.py), or, when a run starts its program itself, this file run as a script:

  python3 amble_cache_password.py FD PROGRAM [ARG...]

which reads the password from descriptor FD (to its end), then runs Ansible's entry script
PROGRAM in this interpreter with ARGs.
"""

import os
import runpy
import sys

CONNECTION_VARIABLE = "ANSIBLE_CACHE_PLUGIN_CONNECTION"
REDIS_PLUGINS = ("community.general.redis", "redis")


def install(password):
    """Makes Ansible's cache loader give the redis plugin the connection with password."""
    from ansible import constants as C
    from ansible.plugins import loader

    cache_loader = loader.cache_loader
    original = cache_loader.get

    def get(name, *args, **kwargs):
        if (
            name in REDIS_PLUGINS
            and C.CACHE_PLUGIN in REDIS_PLUGINS
            and "_uri" not in kwargs
            and os.environ.get(CONNECTION_VARIABLE)
        ):
            kwargs["_uri"] = os.environ[CONNECTION_VARIABLE] + ":" + password
        return original(name, *args, **kwargs)

    cache_loader.get = get


def read_password(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8")


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: amble_cache_password.py FD PROGRAM [ARG...]\n")
        return 2
    install(read_password(int(sys.argv[1])))
    program = sys.argv[2]
    sys.argv = sys.argv[2:]
    sys.path[0] = os.path.dirname(os.path.abspath(program))  # as if the script ran itself
    runpy.run_path(program, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
