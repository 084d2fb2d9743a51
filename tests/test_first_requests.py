"""Several viewers arriving together at a server that has just started (a restart on
results day) each get the whole dashboard: sidebar, filters from their link, no error.

Each session speaks Streamlit's websocket protocol (``tools.st_client``), so four first
runs really start at the same moment, which four browsers on two cores rarely manage.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lvm_data import ingest, store
from tools.serve import ROOT, server, start, stop
from tools.st_client import Session


async def _first_runs(url: str, n: int) -> list[Session]:
    sessions = [Session() for _ in range(n)]
    runs = await asyncio.gather(*(s.open(url, "overview", "department=Sales")
                                  for s in sessions))
    for s in sessions:
        await s.close()
    return sessions, runs


@pytest.fixture
def sample_db(tmp_path, monkeypatch):
    """The bundled sample in a fresh database file, and its settings (minimum 5)."""
    settings = tmp_path / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    monkeypatch.setenv("LVM_SETTINGS", str(settings))
    db = tmp_path / "sample.duckdb"
    con = store.connect(db)
    ingest.import_file(con, ROOT / "sample_data" / "sample_export.csv", ingest.Options())
    con.close()
    return db, settings


def test_viewers_arriving_together_at_a_fresh_server_each_get_the_dashboard(sample_db):
    with server(*sample_db) as url:
        sessions, runs = asyncio.run(_first_runs(url, 4))
    for session, run in zip(sessions, runs):
        assert run.errors == []
        assert "Department" in session.widgets          # the sidebar was drawn
        # the link's filter took effect: the sample has 51 respondents in Sales
        # (counted with the csv module: 51 Sales rows in the latest wave, 2025-H2)
        assert session.metrics.get("Respondents") == "51"


async def _first_visit(url: str, query: str) -> Session:
    session = Session()
    run = await session.open(url, "overview", query)
    await session.close()
    assert run.errors == []
    return session


def test_a_first_visit_gets_the_first_chart_before_the_filter_widgets(sample_db):
    """A bare address leaves every filter at its start, so the page runs before the
    sidebar's widgets are drawn: the browser then fetches the chart code before the
    widgets' (lvm_ui.filters.opening). A link with filters keeps the filters first."""
    with server(*sample_db) as url:
        bare = asyncio.run(_first_visit(url, ""))
        linked = asyncio.run(_first_visit(url, "department=Sales"))
    chart, widget = (bare.arrived.index(k) for k in ("plotly_chart", "selectbox"))
    assert chart < widget
    assert bare.metrics["Respondents"] == "300" and "Department" in bare.widgets
    assert linked.arrived.index("selectbox") < linked.arrived.index("plotly_chart")
    assert linked.metrics["Respondents"] == "51"


def test_the_server_runs_on_uvicorns_fast_event_loop_and_http_parser(sample_db):
    """Streamlit's server is uvicorn, which takes uvloop and httptools when they are
    installed (requirements.txt): a new visitor's page and its three dozen script files
    then arrived about 0.2 s sooner (bench/bench_first_chart.py). Dropping either from the
    requirements, or a server that stops using them, fails here."""
    proc, _ = start(*sample_db)
    try:
        loaded = Path(f"/proc/{proc.pid}/maps").read_text()
    finally:
        stop(proc)
    assert "uvloop" in loaded and "httptools" in loaded
