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
from . import modes, schema
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


def _retrying(open_, path: str, wait: float, waiting: Callable[[], None] | None,
              swap: bool = True):
    """``open_()``, retried with doubling pauses (at most 0.25 s) while another process
    holds the file; the last lock error is raised once ``wait`` seconds have passed.

    Whoever waits leaves a marker beside the file. A process holding the file then stops
    lingering and opens no new connection until the earlier waiters got their turn, so a
    busy dashboard (its runs overlapping) cannot keep a command or another server out
    for ever. ``waiting`` (else the module's ``on_wait``) is called once, when the first
    try finds the file locked or taken, so the wait is shown rather than silent.
    "Unique file handle conflict" (this process still closing the instance its last run
    used) passes like a lock and is retried too, and so does this process's own instance
    open in the other mode (``modes``), whose idle spare is let go, when ``swap``."""
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
                except (duckdb.IOException, duckdb.ResourceInUseException,
                        duckdb.ConnectionException) as exc:
                    text = str(exc).lower()
                    if not (_locked(exc) or "unique file handle conflict" in text
                            or (swap and _other_mode(exc))) \
                            or time.monotonic() + pause > deadline:
                        raise
                    if _other_mode(exc):
                        release(path)     # our own idle spare, open in the other mode
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
    return _retrying(lambda: connect(path, read_only=read_only), path, wait, waiting,
                     swap=not read_only)


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
    with attached(cur, path, wait, waiting, read_only=True):
        tables = [r[0] for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lvm_file' "
            "AND schema_name = 'main' AND NOT temporary").fetchall()]
        for name in (t for t in tables if not t.startswith("cells_")):   # figures: not needed
            empty = " LIMIT 0" if name in _BULKY or name.startswith("answers_") else ""
            cur.execute(f'CREATE OR REPLACE TABLE memory.main."{name}" AS '
                        f'SELECT * FROM lvm_file.main."{name}"{empty}')


@contextlib.contextmanager
def attached(cur, path, wait: float = WAIT_SECONDS, waiting: Callable[[], None] | None = None,
             read_only: bool = False):
    """The database file attached to a connection that did its work elsewhere (in memory),
    and made the default catalog, so the store's unqualified SQL reaches it while the
    connection's TEMP tables stay visible; detached (and the lock released) afterwards.
    The file is created and migrated first. The attachment counts in this process's mode
    (``modes``): a read-write one waits for the page runs reading, which wait for it."""
    path = str(path or default_db_path())
    if read_only:
        with briefly(path, read_only=True, wait=wait, waiting=waiting):
            pass                  # a new or older file is created or upgraded first
    write = not read_only
    modes.acquire(path, write, _close_spare, wait)
    try:
        if write:
            connect_waiting(path, wait=wait, waiting=waiting).close()
        option = " (READ_ONLY)" if read_only else ""
        _retrying(lambda: cur.execute(f"ATTACH {_literal(path)} AS lvm_file{option}"), path,
                  wait, waiting)
        try:
            cur.execute("USE lvm_file")
            yield cur
        finally:
            cur.execute("USE memory")
            cur.execute("DETACH lvm_file")
    finally:
        modes.release(path, write)


@contextlib.contextmanager
def briefly(path=None, read_only: bool = False, wait: float = WAIT_SECONDS,
            linger: float = 0.0, waiting: Callable[[], None] | None = None):
    """A connection for one unit of work, closed (and the file lock released) after it.

    ``linger`` keeps the database open that many seconds longer (a spare connection,
    renewed by every unit of work), so a burst of page runs keeps DuckDB's cache warm;
    the file is released once the dashboard has been idle that long."""
    lease = Lease(path, read_only, wait, linger, waiting)
    try:
        yield lease.con
    finally:
        lease.close()


class Lease:
    """The connection of one unit of work, read-only if asked and the process allows
    (``modes``); ``writable`` turns it read-write for a write inside the unit (cursors
    taken before are closed with the read-only connection)."""

    def __init__(self, path=None, read_only: bool = False, wait: float = WAIT_SECONDS,
                 linger: float = 0.0, waiting: Callable[[], None] | None = None):
        self.path = str(path or default_db_path())
        self._how = (wait, linger, waiting)
        self.con = None
        self._open(read_only)

    def _open(self, read_only: bool) -> None:
        wait, _, waiting = self._how
        if self.path == ":memory:":
            self.con, self.read_only, self._write = connect(self.path), False, False
            return
        if read_only and not os.path.exists(self.path):
            self._prepare()
        self._reserve(read_only)
        if self.read_only and not schema.is_current(self.con):
            self._let_go()
            self._prepare()
            self._reserve(read_only)

    def _prepare(self) -> None:
        """A new or older file, created or upgraded by a read-write open first."""
        wait, _, waiting = self._how
        with briefly(self.path, wait=wait, waiting=waiting):
            pass

    def _reserve(self, read_only: bool) -> None:
        wait, _, waiting = self._how
        self._write = not read_only
        self.read_only = modes.acquire(self.path, self._write, _close_spare, wait)
        try:
            self.con, self.read_only = _opened(self.path, self.read_only, wait, waiting)
        except BaseException:
            modes.release(self.path, self._write)
            raise

    def _let_go(self) -> None:
        con, self.con = self.con, None
        con.close()
        modes.release(self.path, self._write)

    @contextlib.contextmanager
    def set_aside(self):
        """Closed for work that opens the file its own way (an import staged in memory,
        ``attached``), and opened again, read-only, after it."""
        self._let_go()
        try:
            yield
        finally:
            self._open(True)

    def writable(self) -> None:
        if self.read_only:
            self._let_go()
            self._open(False)

    def close(self) -> None:
        if self.con is None:
            return
        linger = self._how[1]
        try:
            # only a read-only instance lingers: a read-write one would hold every other
            # process out for the linger after a write
            if linger > 0 and self.path != ":memory:":
                if _waiters(self.path) or not self.read_only:
                    release(self.path)    # someone waits: let the file go with the last run
                else:
                    _keep(self.path, linger)
        finally:
            if self.path == ":memory:":
                self.con.close()
                self.con = None
            else:
                self._let_go()


def _opened(path: str, read_only: bool, wait: float, waiting) -> tuple:
    """A connection and whether it is read-only: read-write after all when this process
    holds the file read-write outside ``modes`` (a command's or a test's own connection)."""
    try:
        return connect_waiting(path, read_only=read_only, wait=wait, waiting=waiting), read_only
    except duckdb.ConnectionException as exc:
        if not (read_only and _other_mode(exc)):
            raise
        return connect_waiting(path, wait=wait, waiting=waiting), False


def _other_mode(exc: duckdb.Error) -> bool:
    return "different configuration" in str(exc)


_spares: dict[str, tuple[duckdb.DuckDBPyConnection, threading.Timer]] = {}
_spares_lock = threading.Lock()


def _keep(path: str, seconds: float) -> None:
    """Renew the (read-only) spare connection of ``path``; DuckDB hands out the instance the
    unit of work still holds open (same file, same settings), so this never waits for a lock."""
    with _spares_lock:
        spare, timer = _spares.pop(path, (None, None))
        if timer is not None:
            timer.cancel()
        spare = spare or duckdb.connect(path, read_only=True)
        timer = threading.Timer(seconds, _release, args=(path,))
        # Not a daemon: the interpreter waits for it at exit (at most the linger), since a
        # thread torn down inside DuckDB's close would abort the whole process.
        timer.daemon = False
        _spares[path] = (spare, timer)
        timer.start()
    modes.spare(path, True)


def _release(path: str) -> None:
    """The linger is over, unless a later unit of work renewed it (then the spare belongs
    to a newer timer and stays open)."""
    with _spares_lock:
        spare, timer = _spares.get(path, (None, None))
        if timer is not threading.current_thread():
            return
        del _spares[path]
        spare.close()
    modes.spare(path, False)


def _close_spare(path: str) -> None:
    """For a change of mode (``modes``), while nobody in this process uses the file."""
    with _spares_lock:
        spare, timer = _spares.pop(path, (None, None))
        if timer is not None:
            timer.cancel()
            spare.close()


def release(path) -> None:
    """Let the file go now rather than after the linger: someone waits for it, or a
    read-write unit of work ends (``Lease.close``), or a test wants it closed."""
    _close_spare(str(path))
    modes.spare(str(path), False)
