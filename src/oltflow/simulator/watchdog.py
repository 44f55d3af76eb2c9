"""Ending the simulator's processes when the process that started them is gone.

A test run killed with SIGKILL cannot stop its fleet; without this, snmpsim and the relay would
keep running (and holding their ports) forever. ``watch_parent()`` starts a daemon thread that
exits the process as soon as its parent changes (the parent died and the process was
re-parented).
"""

from __future__ import annotations

import os
import threading
import time


def watch_parent(interval_s: float = 1.0) -> None:
    """Exit this process once its parent process is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, name="oltflow-watchdog", daemon=True).start()
