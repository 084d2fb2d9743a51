import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lvm_data import store  # noqa: E402
from lvm_data.instrument import load_default  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own settings file (minimum 5) and database path."""
    settings = tmp_path / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    monkeypatch.setenv("LVM_SETTINGS", str(settings))
    monkeypatch.setenv("LVM_DB", str(tmp_path / "test.duckdb"))
    return settings


@pytest.fixture
def min_group(tmp_path):
    """Set the organisation minimum for a test: in the settings file and, as an admin would
    with ``set-minimum``, in the test database (which records the minimum it was made with)."""
    def set_min(k: int):
        (tmp_path / "lvm_settings.toml").write_text(f"min_group_size = {k}\n")
        c = store.connect(tmp_path / "test.duckdb")
        store.set_minimum(c.cursor(), k)
        c.close()
    return set_min


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium, one per browser-test module (``tools.serve.launch``)."""
    from playwright.sync_api import sync_playwright

    from tools.serve import launch
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


@pytest.fixture
def con(tmp_path):
    c = store.connect(tmp_path / "test.duckdb")
    yield c
    c.close()


def write_plain(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    """A plain-layout export with the default instrument's items as columns."""
    items = [i.id for i in load_default().items]
    header = header or ["Respondent ID", "Department", "Team", "Role", *items]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow(row)
    return path
