"""Short-lived connections, so the dashboard and the command line can share one file.

DuckDB lets one process write a file, or several read it, and a process keeps its lock
as long as any connection is open. The dashboard therefore opens the file for one
script run (or one callback) and closes it afterwards; within a process, concurrent
runs share DuckDB's one open instance, so the lock is released when the last run ends.
Whoever finds the file locked (the command line while a page is drawing, a page while
a command writes) waits and tries again, for a bounded time, then reports the lock.
This is the minimal scheme until connections are redesigned (issue 9).
"""
from __future__ import annotations

import contextlib
import time

import duckdb

from .schema import connect

WAIT_SECONDS = 20.0
_FIRST_PAUSE = 0.05


def _locked(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


def connect_waiting(path=None, read_only: bool = False, wait: float = WAIT_SECONDS):
    """``connect``, retrying with doubling pauses (at most 1 s) while another process holds
    the file; the last lock error is raised once ``wait`` seconds have passed."""
    deadline = time.monotonic() + wait
    pause = _FIRST_PAUSE
    while True:
        try:
            return connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if not _locked(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


@contextlib.contextmanager
def briefly(path=None, read_only: bool = False, wait: float = WAIT_SECONDS):
    """A connection for one unit of work, closed (and the file lock released) after it."""
    con = connect_waiting(path, read_only=read_only, wait=wait)
    try:
        yield con
    finally:
        con.close()
