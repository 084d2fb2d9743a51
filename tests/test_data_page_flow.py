"""The Data page and the pages around it (AppTest): demo data, wave names, the rename,
the mapping grid with nothing matched, and the rough edges of issue 10."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lvm_data import store
from lvm_data.sample import write_sample
from lvm_ui import mapping_editor

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXT = ROOT / "tests" / "fixtures" / "external"


def app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def db():
    from lvm_data.settings import load_settings
    return store.connect(load_settings().db_path)


def infos(at) -> str:
    return " ".join(i.value for i in at.info)


def test_rename_shows_the_new_name_in_the_sidebar_at_once():
    """The sidebar showed the older wave; after renaming it, it shows the same wave under
    its new name (not the old name, and not another wave)."""
    at = app("data")
    at.selectbox(key="wave").select("2025-H1")
    at.run()
    at.selectbox(key="admin_wave").select("2025-H1")
    at.text_input(key="admin_new_name").input("Spring 2025")
    at.run()
    next(b for b in at.button if b.label == "Rename").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="wave").value == "Spring 2025"
    assert "2025-H1" not in at.selectbox(key="wave").options
    assert at.selectbox(key="admin_wave").value == "Spring 2025"
