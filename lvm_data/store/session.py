"""Short-lived connections, so the dashboard and the command line can share one file.

DuckDB lets one process write a file, or several read it, and a process keeps its lock
as long as any connection is open. The dashboard therefore opens the file for one
script run (or one callback) and closes it afterwards; within a process, concurrent
runs share DuckDB's one open instance, so the lock is released when the last run ends.
Whoever finds the file locked (the command line while a page is drawing, a page while
a command writes) waits and tries again, for a bounded time, then reports the lock.
``store.connect`` is ``connect_waiting``, so every command waits for the dashboard; the
command line's import does its long work in memory and holds the file only to store the
result (``attached``). A waiter leaves a marker file beside the database; the holder then
stops lingering and defers new connections to it, so neither a busy dashboard nor a second
server (several ``streamlit run`` processes on one file, docs/DEPLOY.md) keeps anyone out.
"""
from __future__ import annotations

import contextlib
import glob
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from ..tempfiles import alive
from .schema import connect, default_db_path

WAIT_SECONDS = 20.0
_FIRST_PAUSE = 0.05
_MAX_PAUSE = 0.25
_WAIT = ".wait."        # <db>.wait.<pid>.<thread>.<ns>: this process waits since <ns>


def _locked(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


on_wait: Callable[[], None] | None = None   # the default way to say "waiting" (the CLI's)


def _waiters(path: str, before: int | None = None) -> bool:
    """Whether another live process waits for ``path`` (since before ``before`` ns, if
    given). Markers of processes that died waiting are removed."""
    for marker in glob.glob(glob.escape(path) + _WAIT + "*"):
        try:
            pid, _, since = (int(x) for x in marker.rsplit(_WAIT, 1)[1].split("."))
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        if not alive(pid):
            with contextlib.suppress(OSError):
                os.remove(marker)
        elif before is None or since < before:
            return True
    return False


def _announce(path: str, since: int) -> str | None:
    """Leave a marker saying this thread waits for the file, so the holder lets it go."""
    marker = f"{path}{_WAIT}{os.getpid()}.{threading.get_ident()}.{since}"
    try:
        Path(marker).parent.mkdir(parents=True, exist_ok=True)
        Path(marker).touch()
    except OSError:
        return None
    return marker


def _retrying(open_, path: str, wait: float, waiting: Callable[[], None] | None):
    """``open_()``, retried with doubling pauses (at most 0.25 s) while another process
    holds the file; the last lock error is raised once ``wait`` seconds have passed.

    Whoever waits leaves a marker beside the file. A process holding the file then stops
    lingering and opens no new connection until the earlier waiters got their turn, so a
    busy dashboard (its runs overlapping) cannot keep a command or another server out
    for ever. ``waiting`` (else the module's ``on_wait``) is called once, when the first
    try finds the file locked or taken, so the wait is shown rather than silent.
    "Unique file handle conflict" (this process still closing the instance its last run
    used) passes like a lock and is retried too."""
    deadline = time.monotonic() + wait
    since = time.time_ns()
    pause = _FIRST_PAUSE
    marker = None
    try:
        while True:
            if path == ":memory:" or time.monotonic() + pause > deadline \
                    or not _waiters(path, before=since):
                try:
                    return open_()
                except (duckdb.IOException, duckdb.ResourceInUseException) as exc:
                    text = str(exc).lower()
                    if not (_locked(exc) or "unique file handle conflict" in text) \
                            or time.monotonic() + pause > deadline:
                        raise
            if marker is None:
                marker = _announce(path, since) or ""
                if (say := waiting or on_wait) is not None:
                    say()
            time.sleep(pause)
            pause = min(pause * 2, _MAX_PAUSE)
    finally:
        if marker:
            with contextlib.suppress(OSError):
                os.remove(marker)


def connect_waiting(path=None, read_only: bool = False, wait: float = WAIT_SECONDS,
                    waiting: Callable[[], None] | None = None):
    """``connect``, waiting (see ``_retrying``) while another process holds the file."""
    path = str(path or default_db_path())
    return _retrying(lambda: connect(path, read_only=read_only), path, wait, waiting)


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


_BULKY = ("respondents", "response_quality", "answer_cells")


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
        for name in (t for t in tables if not t.startswith("cells_")):   # figures: not needed
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
    _retrying(lambda: cur.execute(f"ATTACH {_literal(path)} AS lvm_file"), path, wait,
              waiting)
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
            if _waiters(path):
                release(path)         # someone waits: let the file go with the last run
            else:
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

