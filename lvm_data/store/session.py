"""Short-lived connections, so the dashboard and the command line can share one file.

DuckDB lets one process write a file, or several read it, and a process keeps its lock
as long as any connection is open. The dashboard therefore opens the file for one
script run (or one callback) and closes it afterwards; within a process, concurrent
runs share DuckDB's one open instance, so the lock is released when the last run ends.
Whoever finds the file locked (the command line while a page is drawing, a page while
a command writes) waits and tries again, for a bounded time, then reports the lock.
``store.connect`` is ``connect_waiting``, so every command waits for the dashboard; the
command line's import does its long work in memory and holds the file only to store the
result (``attached``).
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import duckdb

from .schema import connect, default_db_path

WAIT_SECONDS = 20.0
_FIRST_PAUSE = 0.05


def _locked(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


on_wait: Callable[[], None] | None = None   # the default way to say "waiting" (the CLI's)


def _retrying(open_, wait: float, waiting: Callable[[], None] | None):
    """``open_()``, retried with doubling pauses (at most 1 s) while another process holds
    the file; the last lock error is raised once ``wait`` seconds have passed. ``waiting``
    (else the module's ``on_wait``) is called once, when the first try finds the file
    locked, so the wait is shown rather than silent."""
    deadline = time.monotonic() + wait
    pause = _FIRST_PAUSE
    told = False
    while True:
        try:
            return open_()
        except duckdb.IOException as exc:
            if not _locked(exc) or time.monotonic() + pause > deadline:
                raise
        if not told and (say := waiting or on_wait) is not None:
            say()
            told = True
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def connect_waiting(path=None, read_only: bool = False, wait: float = WAIT_SECONDS,
                    waiting: Callable[[], None] | None = None):
    """``connect``, waiting (see ``_retrying``) while another process holds the file."""
    return _retrying(lambda: connect(path, read_only=read_only), wait, waiting)


def in_memory(memory_mb: int, spill_dir: str):
    """An in-memory database with the product's schema that keeps to ``memory_mb`` of
    memory and spills the rest to ``spill_dir``: a file larger than the memory set aside
    is staged partly on disk, not refused."""
    con = connect(":memory:")
    con.execute(f"SET memory_limit = '{int(memory_mb)}MB'")
    con.execute(f"SET temp_directory = {_literal(spill_dir)}")
    return con


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


_BULKY = ("respondents", "response_quality")


def mirror(cur, path, wait: float = WAIT_SECONDS,
           waiting: Callable[[], None] | None = None) -> None:
    """Copy the file's small tables (waves, items, remembered mappings, demo marks, meta…)
    into the in-memory database, and the shape alone of its respondent and answer tables,
    so an import checked in memory proposes what it would on the file (a remembered
    mapping, a free wave name) without holding the file while it works."""
    with attached(cur, path, wait, waiting):
        tables = [r[0] for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lvm_file' "
            "AND schema_name = 'main' AND NOT temporary").fetchall()]
        for name in tables:
            empty = " LIMIT 0" if name in _BULKY or name.startswith("answers_") else ""
            cur.execute(f'CREATE OR REPLACE TABLE memory.main."{name}" AS '
                        f'SELECT * FROM lvm_file.main."{name}"{empty}')


@contextlib.contextmanager
def attached(cur, path, wait: float = WAIT_SECONDS, waiting: Callable[[], None] | None = None):
    """The database file attached to a connection that did its work elsewhere (in memory),
    and made the default catalog, so the store's unqualified SQL reaches it while the
    connection's TEMP tables stay visible; detached (and the lock released) afterwards.
    The file is created and migrated by ``connect`` first."""
    path = str(path or default_db_path())
    connect_waiting(path, wait=wait, waiting=waiting).close()
    _retrying(lambda: cur.execute(f"ATTACH {_literal(path)} AS lvm_file"), wait, waiting)
    try:
        cur.execute("USE lvm_file")
        yield cur
    finally:
        cur.execute("USE memory")
        cur.execute("DETACH lvm_file")


@contextlib.contextmanager
def briefly(path=None, read_only: bool = False, wait: float = WAIT_SECONDS,
            linger: float = 0.0, waiting: Callable[[], None] | None = None):
    """A connection for one unit of work, closed (and the file lock released) after it.

    ``linger`` keeps the database open that many seconds longer (a spare connection,
    renewed by every unit of work), so a burst of page runs keeps DuckDB's cache warm;
    the file is released once the dashboard has been idle that long."""
    path = str(path or default_db_path())
    con = connect_waiting(path, read_only=read_only, wait=wait, waiting=waiting)
    try:
        yield con
    finally:
        if linger > 0 and path != ":memory:":
            _keep(path, linger)
        con.close()


_spares: dict[str, tuple[duckdb.DuckDBPyConnection, threading.Timer]] = {}
_spares_lock = threading.Lock()


def _keep(path: str, seconds: float) -> None:
    """Renew the spare connection of ``path``; DuckDB hands out the instance the unit of
    work still holds open (same file, same settings), so this never waits for a lock."""
    with _spares_lock:
        spare, timer = _spares.pop(path, (None, None))
        if timer is not None:
            timer.cancel()
        spare = spare or duckdb.connect(path)
        timer = threading.Timer(seconds, _release, args=(path,))
        # Not a daemon: the interpreter waits for it at exit (at most the linger), since a
        # thread torn down inside DuckDB's close would abort the whole process.
        timer.daemon = False
        _spares[path] = (spare, timer)
        timer.start()


def _release(path: str) -> None:
    """The linger is over, unless a later unit of work renewed it (then the spare belongs
    to a newer timer and stays open)."""
    with _spares_lock:
        spare, timer = _spares.get(path, (None, None))
        if timer is threading.current_thread():
            del _spares[path]
            spare.close()


def release(path) -> None:
    """Let the file go now rather than after the linger (tests)."""
    with _spares_lock:
        spare, timer = _spares.pop(str(path), (None, None))
        if timer is not None:
            timer.cancel()
            spare.close()

