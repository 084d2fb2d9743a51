"""One open mode per database file in this process: read-only while only reading.

Several processes may hold a file read-only at once, but only one may hold it read-write,
and then alone; so a dashboard whose page runs opened the file read-write made a second
server (or a read-only command) wait for every run. Page runs therefore open it
read-only, and a write (an import, a share link, a delete) read-write. DuckDB refuses to
open one file in both modes in one process ("a different configuration"), so this module
hands the process's instance over: a write waits until the runs reading are done (a run
takes well under a second), and runs that start while a write is under way share its
read-write instance instead of waiting for it; once it is done, the next runs switch back
to read-only as soon as no one uses the read-write instance.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

_cond = threading.Condition()
_held = threading.local()          # per thread: path -> number of leases it holds


@dataclass
class _File:
    mode: str | None = None        # "ro", "rw", or None when this process has it closed
    users: int = 0                 # connections open in that mode
    writers: int = 0               # writes under way or waiting
    spare: bool = False            # a lingering connection keeps the instance (and mode)


_files: dict[str, _File] = {}


def _may_join(f: _File, write: bool) -> bool:
    if write:
        return f.mode in (None, "rw")
    if f.mode == "rw":
        return f.writers > 0       # reads ride along a write's read-write instance
    return f.writers == 0          # a waiting write goes first: no reader keeps it out


def acquire(path: str, write: bool, close_spare: Callable[[str], None],
            wait: float) -> bool:
    """Reserve a mode for one connection to ``path``; returns whether to open it
    read-only. ``close_spare`` lets the lingering connection go when the mode must change.
    Raises ``duckdb.IOException`` (a lock, to callers) after ``wait`` seconds."""
    held = getattr(_held, "paths", {})
    deadline = time.monotonic() + wait
    with _cond:
        f = _files.setdefault(path, _File())
        if held.get(path) and not _may_join(f, write):
            raise RuntimeError("this thread reads the database: close that connection "
                               "before writing (common.writing does)")
        f.writers += write
        try:
            while not _may_join(f, write):
                if f.users == 0 and f.mode is not None:
                    close_spare(path)          # nobody uses it: switch modes now
                    f.mode, f.spare = None, False
                    _cond.notify_all()
                    continue
                if not _cond.wait(max(0.0, deadline - time.monotonic())):
                    raise duckdb.IOException(
                        f"Could not set lock on file {path!r}: this process is switching "
                        "between reading and writing it (timed out)")
        except BaseException:
            f.writers -= write
            _cond.notify_all()
            raise
        f.mode = f.mode or ("rw" if write else "ro")
        f.users += 1
        read_only = f.mode == "ro"
    _held.paths = {**held, path: held.get(path, 0) + 1}
    return read_only


def release(path: str, write: bool) -> None:
    """One connection reserved by ``acquire`` is closed."""
    held = getattr(_held, "paths", {})
    _held.paths = {**held, path: max(0, held.get(path, 0) - 1)}
    with _cond:
        f = _files[path]
        f.users -= 1
        f.writers -= write
        if f.users == 0 and not f.spare:
            f.mode = None
        _cond.notify_all()


def spare(path: str, kept: bool) -> None:
    """The lingering connection of ``path`` was opened (in the current mode) or closed."""
    with _cond:
        f = _files.setdefault(path, _File())
        f.spare = kept
        if not kept and f.users == 0:
            f.mode = None
        _cond.notify_all()


def mode(path: str) -> str | None:
    """This process's open mode of ``path`` (tests, and a spare opened in the same mode)."""
    with _cond:
        f = _files.get(path)
        return None if f is None else f.mode
