"""Share links in the store, the access settings, and the short-lived connections."""
import subprocess
import sys
from datetime import datetime, timedelta

import duckdb
import pytest

from conftest import ROOT
from lvm_data import access, ingest, store
from lvm_data.settings import SettingsError
from lvm_data.store import shares
from lvm_ui.common import SAMPLE_DIR


@pytest.fixture
def cur(con):
    ingest.import_file(con, SAMPLE_DIR / "sample_export.csv", ingest.Options())
    return con.cursor()


def test_create_get_and_states(cur):
    link = shares.create(cur, {"department": ["Sales"]}, page="teams", label="Head of Sales")
    assert len(link.id) >= 32 and link.id.replace("-", "").replace("_", "").isalnum()
    got = shares.get(cur, link.id)
    assert got.where == {"department": ["Sales"]} and got.page == "teams"
    assert got.state() == "ok" and got.label == "Head of Sales"
    assert got.state(got.expires_at + timedelta(seconds=1)) == "expired"
    assert (got.expires_at - datetime.utcnow()).days in (89, 90)
    assert shares.revoke(cur, link.id) and not shares.revoke(cur, link.id)
    assert shares.get(cur, link.id).state() == "revoked"


def test_ids_are_unique_and_unguessable(cur):
    ids = {shares.create(cur, {"department": ["HR"]}).id for _ in range(50)}
    assert len(ids) == 50
    assert shares.get(cur, "not-an-id") is None and shares.get(cur, "' OR 1=1 --") is None


@pytest.mark.parametrize("where, kwargs, why", [
    ({"nope": ["x"]}, {}, "unknown attribute"),
    ({"department": ["Atlantis"]}, {}, "no respondent"),
    ({"department": [""]}, {}, "needs a value"),
    ({"department": ["Sales"]}, {"wave": "2031"}, "no wave"),
    ({"department": ["Sales"]}, {"page": "data"}, "page must be"),
    ({"department": ["Sales"]}, {"expires_days": 0}, "expiry"),
])
def test_bad_scopes_are_refused(cur, where, kwargs, why):
    with pytest.raises(ValueError, match=why):
        shares.create(cur, where, **kwargs)


def test_list_and_open_log(cur):
    a = shares.create(cur, {"department": ["Sales"]}, wave="2025-H1", require_login=True)
    b = shares.create(cur, {"team": ["HR - Learning", "HR - Recruiting"]})
    shares.log_open(cur, a.id, "lead@example.com")
    shares.log_open(cur, a.id, None)
    table = shares.list_shares(cur)
    assert list(table.columns) == shares.LIST_COLUMNS
    row = table.set_index("id").loc[a.id]
    assert (row["opens"], row["wave"], bool(row["require_login"])) == (2, "2025-H1", True)
    assert table.set_index("id").loc[b.id, "opens"] == 0
    log = shares.opens(cur)
    assert log["email"].tolist().count("lead@example.com") == 1 and len(log) == 2


def test_access_settings(tmp_path):
    path = tmp_path / "s.toml"
    assert access.load_access(path) == access.Access()          # no file: local
    assert access.Access().is_admin(None)
    path.write_text('access = "login"\nadmins = ["Boss@Example.com"]\n'
                    'public_url = "https://lvm.example.org/"\n')
    acc = access.load_access(path)
    assert acc.is_admin("boss@example.com") and not acc.is_admin("x@example.com")
    assert not acc.is_admin(None)
    assert access.full_link(acc, "/teams?share=x") == "https://lvm.example.org/teams?share=x"
    with pytest.raises(access.Forbidden):
        access.require_admin(acc, "x@example.com")
    for bad in ('access = "open"', 'admins = "a@b.c"', 'public_url = "lvm.example.org"'):
        path.write_text(bad + "\n")
        with pytest.raises(SettingsError):
            access.load_access(path)


def test_a_brief_connection_lets_another_process_write(tmp_path):
    db = tmp_path / "b.duckdb"
    with store.session.briefly(db) as con:
        con.execute("SELECT 1")
        blocked = subprocess.run([sys.executable, "-c", "import duckdb, sys; "
                                  "duckdb.connect(sys.argv[1])", str(db)],
                                 cwd=ROOT, capture_output=True, text=True)
        assert "lock" in blocked.stderr
    free = subprocess.run([sys.executable, "-c", "import sys; from lvm_data.store import session; "
                           "session.connect_waiting(sys.argv[1], wait=5).close()", str(db)],
                          cwd=ROOT, capture_output=True, text=True)
    assert free.returncode == 0, free.stderr


def _try_open(db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])",
                           str(db)], cwd=ROOT, capture_output=True, text=True)


def test_lingering_keeps_the_file_until_released(tmp_path):
    db = tmp_path / "l.duckdb"
    with store.session.briefly(db, read_only=True, linger=600) as con:   # a page run
        con.execute("SELECT 1")
    assert "lock" in _try_open(db).stderr            # idle, but still within the linger
    store.session.release(db)
    assert _try_open(db).returncode == 0


def test_waiting_for_a_lock_backs_off_and_gives_up(monkeypatch):
    calls, pauses = [], []
    clock = [0.0]

    def locked(path, read_only=False):
        calls.append(path)
        if len(calls) < 4:
            raise duckdb.IOException('Could not set lock on file "x": Conflicting lock')
        return "connection"
    monkeypatch.setattr(store.session, "connect", locked)
    monkeypatch.setattr(store.session.time, "sleep", lambda s: (pauses.append(s),
                                                               clock.__setitem__(0, clock[0] + s)))
    monkeypatch.setattr(store.session.time, "monotonic", lambda: clock[0])
    assert store.session.connect_waiting("x", wait=5) == "connection"
    assert pauses == [0.05, 0.1, 0.2]
    calls.clear()
    with pytest.raises(duckdb.IOException, match="Conflicting lock"):
        store.session.connect_waiting("x", wait=0.1)
    monkeypatch.setattr(store.session, "connect", lambda *a, **k: (_ for _ in ()).throw(
        duckdb.IOException("disk on fire")))
    with pytest.raises(duckdb.IOException, match="disk on fire"):
        store.session.connect_waiting("x", wait=5)
