"""The dbt command as ``pacte`` starts it: tied to the process that started it.

dagster-dbt runs dbt as a child process. When ``pacte build`` died (``kill -9``, an OOM kill,
a closed terminal), that child went on alone (adopted by PID 1), held the warehouse's write
lock and made the next build fail. Started through this entry point (``pacte-dbt``, declared in
pyproject.toml), dbt asks Linux to send it SIGTERM as soon as its parent dies
(``prctl(PR_SET_PDEATHSIG)``), then runs exactly as the ``dbt`` command does. Elsewhere than
Linux the tie is not available and dbt runs as before.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

__all__ = ["lier_au_parent", "main"]

_PR_SET_PDEATHSIG = 1


def lier_au_parent(sig: int = signal.SIGTERM, parent: int | None = None) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent dies; True if it is set.

    If the parent is already gone when this runs (a race the kernel cannot cover), the signal
    is sent at once. ``parent``: the pid of the process that started this one, when it passed it
    (it may have died before this process ran this line); else the parent found here.
    """
    parent = os.getppid() if parent is None else parent
    if not sys.platform.startswith("linux"):
        return False
    # a process started in the background by a shell (nohup, `cmd &` in a script) may inherit SIGTERM
    # ignored: the tie would then be a signal nobody hears, and dbt would outlive its build
    if signal.getsignal(sig) == signal.SIG_IGN:
        signal.signal(sig, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:
        os.kill(os.getpid(), sig)
    return True


def main() -> int:
    """``pacte-dbt ARGS``: ``dbt ARGS``, tied to its parent."""
    lier_au_parent()
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"
    return cli()


if __name__ == "__main__":
    sys.exit(main())
