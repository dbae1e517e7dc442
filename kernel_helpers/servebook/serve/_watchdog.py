"""Child side of the launch contract: exit when the parent process is gone.

A scoring server started by a notebook or by the Jupyter server must not outlive it. A daemon thread
polls the parent every ``interval`` seconds. The parent is the pid recorded at start (or the one in
``SERVEBOOK_PARENT_PID``, set by :func:`servebook.serve`), and it counts as gone when it no longer
exists or when this process was re-parented. We compare with the recorded pid, never with 1: inside
containers orphans are adopted by a sub-reaper whose pid is not 1.

No signal handlers are installed here. On parent death the watchdog sends SIGTERM to its own
process (uvicorn, if running, shuts down gracefully) and hard-exits if that has not ended it
after a grace period.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

__all__ = ["PARENT_PID_ENV", "parent_alive", "start_watchdog"]

PARENT_PID_ENV = "SERVEBOOK_PARENT_PID"
logger = logging.getLogger("servebook.serve.watchdog")


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def parent_alive(parent_pid: int, initial_ppid: int) -> bool:
    """True while ``parent_pid`` exists and this process still has the parent it started with."""
    return os.getppid() == initial_ppid and _pid_exists(parent_pid)


def start_watchdog(
    parent_pid: int | None = None, *, interval: float = 0.5, grace: float = 5.0
) -> threading.Thread:
    """Start the daemon thread that ends this process once its parent is gone.

    Args:
        parent_pid: the process to outlive not; defaults to ``SERVEBOOK_PARENT_PID`` or the current parent.
        interval: seconds between checks.
        grace: seconds between the SIGTERM to ourselves and a hard exit.
    """
    initial_ppid = os.getppid()
    if parent_pid is None:
        configured = os.environ.get(PARENT_PID_ENV, "")
        parent_pid = int(configured) if configured.isdigit() else initial_ppid

    def watch() -> None:
        while parent_alive(parent_pid, initial_ppid):
            time.sleep(interval)
        logger.warning("parent process %d is gone; shutting the scoring server down", parent_pid)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(1)

    thread = threading.Thread(target=watch, name="servebook-watchdog", daemon=True)
    thread.start()
    return thread
