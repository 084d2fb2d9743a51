"""Busy processes hand the database file over: neither a dashboard whose runs follow each
other closely nor a second server sharing the file keeps a command (or the other server)
out. Each "server" here is a process doing what a page run does (``session.briefly`` with
the dashboard's read-only linger) every 0.15 s, so without a handover it would never let go.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb

from lvm_data.sample import write_sample
from lvm_data.store import session
from tools.serve import ROOT

BUSY = """
import sys, time
from lvm_data.store import session
db, seconds = sys.argv[1], float(sys.argv[2])
end, runs = time.monotonic() + seconds, 0
print("busy", flush=True)
while time.monotonic() < end:
    with session.briefly(db, read_only=True, linger=2.0, wait=5.0) as con:
        con.execute("SELECT count(*) FROM respondents").fetchone()
        time.sleep(0.05)
    runs += 1
    time.sleep(0.1)
print(runs)
"""


def busy(db, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", BUSY, str(db), str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "busy"
    return proc


def test_two_busy_servers_and_a_command_share_the_file(tmp_path):
    db = tmp_path / "busy.duckdb"
    write_sample(tmp_path / "s.csv", 300, seed=3, waves=1)
    env = {**os.environ, "LVM_DB": str(db)}
    subprocess.run([sys.executable, "-m", "lvm_data", "import", str(tmp_path / "s.csv"),
                    "--wave", "w"], cwd=ROOT, env=env, check=True, capture_output=True)
    servers = [busy(db, 8.0), busy(db, 8.0)]
    time.sleep(1.0)
    start = time.monotonic()
    command = subprocess.run([sys.executable, "-m", "lvm_data", "scores"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    took = time.monotonic() - start
    results = [p.communicate(timeout=60) for p in servers]
    assert command.returncode == 0, command.stderr
    assert command.stdout.startswith("group,dimension,n,")
    assert took < 6.0, f"the command waited {took:.1f} s for two busy processes"
    for proc, (out, err) in zip(servers, results):
        assert proc.returncode == 0 and "Conflicting lock" not in err, err
        assert int(out.strip()) >= 5                 # each kept working, in turns
    assert not list(tmp_path.glob("busy.duckdb.wait.*"))     # no marker left behind


def test_an_instance_still_closing_is_waited_for(monkeypatch, tmp_path):
    """DuckDB refuses a new instance of a file while the last one of this process is still
    closing ("Unique file handle conflict"); that passes like a lock, so it is retried."""
    calls = []

    def closing(path, read_only=False):
        calls.append(path)
        if len(calls) == 1:
            raise duckdb.ResourceInUseException(
                'Unique file handle conflict: Cannot attach "x" - the database file is '
                'already attached by database "x"')
        return "connection"
    monkeypatch.setattr(session, "connect", closing)
    monkeypatch.setattr(session.time, "sleep", lambda s: None)
    assert session.connect_waiting(str(tmp_path / "x.duckdb"), wait=5) == "connection"
    assert len(calls) == 2
    assert not list(tmp_path.glob("x.duckdb.wait.*"))
