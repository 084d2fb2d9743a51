"""``python -m lvm_data share``: the link on stdout and nothing else, list, revoke, errors."""
import csv
import io
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from lvm_ui.common import SAMPLE_DIR


def run(*args, check=True):
    out = subprocess.run([sys.executable, "-m", "lvm_data", *args], cwd=ROOT,
                         capture_output=True, text=True, env=os.environ.copy())
    if check:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "test.duckdb")
    run("import", str(SAMPLE_DIR / "sample_export.csv"), "--db", path)
    return path


def test_create_prints_the_path_or_the_full_url(db, _isolated_settings):
    out = run("share", "create", "--where", "department=Sales", "--page", "teams",
              "--label", "Head of Sales", "--db", db)
    assert out.stderr == ""
    line, = out.stdout.splitlines()
    assert line.startswith("/teams?share=") and len(line.split("=", 1)[1]) >= 22
    _isolated_settings.write_text('public_url = "https://lvm.example.org"\n')
    out = run("share", "create", "--where", "department=HR", "--wave", "2025-H1", "--db", db)
    assert out.stdout.startswith("https://lvm.example.org/overview?share=")


def test_list_columns_and_revoke(db):
    link = run("share", "create", "--where", "department=Sales", "--require-login",
               "--expires-days", "7", "--db", db).stdout.strip()
    share_id = link.split("share=")[1]
    rows = list(csv.DictReader(io.StringIO(run("share", "list", "--db", db).stdout)))
    assert list(rows[0]) == ["id", "label", "scope", "wave", "page", "created_at",
                             "expires_at", "require_login", "revoked", "opens"]
    assert rows[0]["id"] == share_id and json.loads(rows[0]["scope"]) == {"department": ["Sales"]}
    assert rows[0]["require_login"] == "True" and rows[0]["revoked"] == "False"
    assert run("share", "revoke", share_id, "--db", db).stdout.startswith("revoked")
    listed = json.loads(run("share", "list", "--format", "json", "--db", db).stdout)
    assert listed[0]["revoked"] is True and listed[0]["opens"] == 0


@pytest.mark.parametrize("args, why", [
    (["create", "--where", "department=Atlantis"], "no respondent"),
    (["create", "--where", "nope=1"], "unknown attribute"),
    (["create", "--where", "department=Sales", "--wave", "1999"], "no wave"),
    (["revoke", "no-such-id"], "no share link"),
])
def test_errors_exit_2_with_one_line(db, args, why):
    out = run("share", *args, "--db", db, check=False)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and why in out.stderr
