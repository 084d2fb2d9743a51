"""Page runs read the file read-only, so two servers (or a server and a read-only command)
read it at once; a write in the same process waits for the runs reading, and runs that
start during the write share its read-write instance (``store.modes``)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import duckdb
import pytest

from lvm_data.store import modes, schema, session
from tools.serve import ROOT

HOLD = """
import sys, time
from lvm_data.store import session
with session.briefly(sys.argv[1], read_only=True) as con:
    con.execute("SELECT count(*) FROM meta").fetchone()
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "m.duckdb")
    schema.connect(path).close()                    # created with today's schema
    yield path
    session.release(path)


def _hold(db: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, db, str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_two_processes_read_at_once(db):
    other = _hold(db, 4.0)
    try:
        start = time.monotonic()
        with session.briefly(db, read_only=True, wait=1.0) as con:
            assert con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        assert time.monotonic() - start < 1.0          # no turn to wait for
        with pytest.raises(duckdb.IOException, match="lock"):
            with session.briefly(db, wait=0.5):           # a writer must wait for it
                pass
    finally:
        other.wait(timeout=10)


def test_a_write_waits_for_the_readers_and_readers_ride_along(db):
    events: list[tuple[str, float]] = []
    reading = threading.Event()

    def reader(pause: float, name: str) -> None:
        with session.briefly(db, read_only=True) as con:
            events.append((f"{name} open {modes.mode(db)}", time.monotonic()))
            reading.set()
            con.execute("SELECT 1").fetchone()
            time.sleep(pause)
        events.append((f"{name} closed", time.monotonic()))

    def writer() -> None:
        with session.briefly(db) as con:
            events.append(("writer open", time.monotonic()))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('probe', 'x')")
            time.sleep(0.6)
        events.append(("writer closed", time.monotonic()))

    first = threading.Thread(target=reader, args=(0.5, "first"))
    first.start()
    reading.wait()
    write = threading.Thread(target=writer)
    write.start()
    time.sleep(0.7)                          # the first reader is done, the write under way
    late = threading.Thread(target=reader, args=(0.0, "late"))
    late.start()
    for t in (first, write, late):
        t.join(timeout=10)
    order = [name for name, _ in sorted(events, key=lambda e: e[1])]
    assert order.index("first closed") < order.index("writer open")
    assert "late open rw" in order                    # rode along the write
    assert order.index("late closed") < order.index("writer closed")
    with session.briefly(db, read_only=True) as con:  # and reading is read-only again
        assert modes.mode(db) == "ro"
        assert con.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone() == ("x",)


def test_a_waiting_write_is_not_starved_by_overlapping_reads(db):
    stop = time.monotonic() + 3.0

    def keep_reading() -> None:
        while time.monotonic() < stop:
            with session.briefly(db, read_only=True, linger=2.0) as con:
                con.execute("SELECT 1").fetchone()
                time.sleep(0.2)

    readers = [threading.Thread(target=keep_reading) for _ in range(2)]
    for t in readers:
        t.start()
        time.sleep(0.1)                      # overlapping: there is always someone reading
    start = time.monotonic()
    with session.briefly(db, wait=5.0) as con:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('probe', 'y')")
    assert time.monotonic() - start < 1.0    # one read's length, not the readers' loop
    for t in readers:
        t.join(timeout=10)


def test_a_run_turns_writable_and_cannot_deadlock_itself(db):
    lease = session.Lease(db, read_only=True)
    try:
        cur = lease.con.cursor()
        assert lease.read_only and modes.mode(db) == "ro"
        with pytest.raises(duckdb.Error):
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('probe', 'z')")
        with pytest.raises(RuntimeError, match="close that connection"):
            session.Lease(db)                # the same thread, still reading
        lease.writable()
        with pytest.raises(duckdb.ConnectionException):
            cur.execute("SELECT 1")          # a cursor of the read-only connection is gone
        lease.con.execute("INSERT OR REPLACE INTO meta VALUES ('probe', 'z')")
        assert modes.mode(db) == "rw"
    finally:
        lease.close()
    assert modes.mode(db) is None


def test_an_older_or_missing_file_is_prepared_before_reading(tmp_path):
    missing = str(tmp_path / "new.duckdb")
    with session.briefly(missing, read_only=True) as con:
        assert schema.is_current(con)
    older = str(tmp_path / "old.duckdb")
    raw = duckdb.connect(older)
    raw.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    raw.execute("INSERT INTO meta VALUES ('schema', 'an older version')")
    raw.close()
    with session.briefly(older, read_only=True) as con:
        assert schema.is_current(con)
        assert con.execute("SELECT count(*) FROM respondents").fetchone() == (0,)


def test_a_connection_of_our_own_in_the_other_mode(db):
    """A command's (or a test's) own read-write connection in this process: page runs use
    that mode; and a read-write open while a read-only spare lingers lets the spare go."""
    own = schema.connect(db)
    with session.briefly(db, read_only=True) as con:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('probe', 'w')")   # read-write after all
    own.close()
    session.release(db)
    with session.briefly(db, read_only=True, linger=5.0):
        pass
    assert modes.mode(db) == "ro"            # the spare lingers, read-only
    again = session.connect_waiting(db, wait=2.0)
    assert again.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone() == ("w",)
    again.close()


def test_a_dashboard_run_reads_read_only(tmp_path):
    """The app's page runs: after a first run (which loads the sample, a write) the next
    run holds the file read-only, and another process reads it meanwhile without waiting;
    a write from the page (a share link) still lands."""
    from streamlit.testing.v1 import AppTest

    from lvm_data.store import shares
    db = str(tmp_path / "test.duckdb")                # conftest's LVM_DB
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception and at.get("plotly_chart")
    assert modes.mode(db) == "ro"                     # the run's spare lingers read-only
    other = subprocess.run([sys.executable, "-c", HOLD, db, "0"], cwd=ROOT, timeout=30,
                           capture_output=True, text=True)
    assert other.returncode == 0 and "holding" in other.stdout
    at.multiselect(key="department").select("Sales")
    at.run()
    at.text_input(key="_lvm_share_label").input("Sales lead")
    at.button(key="_lvm_share_create").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    session.release(db)
    with session.briefly(db, read_only=True) as con:
        assert shares.list_shares(con.cursor())["label"].tolist() == ["Sales lead"]


def test_reading_commands_read_beside_a_reader(db):
    """``waves`` and ``scores`` while another process reads: no wait, no waiting line;
    ``delete-wave`` (a write) waits for that reader and then succeeds."""
    from lvm_data import ingest
    from lvm_data.sample import write_sample
    csv = db + ".csv"
    write_sample(csv, respondents=60, seed=3)
    with session.briefly(db) as con:
        ingest.import_file(con, csv, ingest.Options(wave="w1"))
    session.release(db)
    other = _hold(db, 10.0)
    try:
        start = time.monotonic()
        for args in (["waves"], ["scores", "--by", "department"]):
            done = subprocess.run([sys.executable, "-m", "lvm_data", *args, "--db", db],
                                  cwd=ROOT, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            assert "wait" not in done.stderr.lower()
        assert done.stdout.startswith("group,dimension,n,") and "\nSales," in done.stdout
        assert other.poll() is None             # the reader still held the file meanwhile
        deleted = subprocess.run([sys.executable, "-m", "lvm_data", "delete-wave", "w1",
                                  "--db", db], cwd=ROOT, capture_output=True, text=True,
                                 timeout=60)
        assert deleted.returncode == 0 and "wait" in deleted.stderr.lower()
        assert time.monotonic() - start >= 9.0   # it got in only once the reader was done
    finally:
        other.wait(timeout=20)
