"""The reliability panel on the Data and Dimensions pages, and a database of one-pole scales
(the Big Five file) on every page: nothing may crash where there is no orientation."""
from __future__ import annotations

from pathlib import Path

import pytest

from lvm_data import ingest
from lvm_data.instrument import load_codebook
from tests.test_app import app, db

FIX = Path(__file__).parent / "fixtures"
PAGES = ["overview", "teams", "dimensions", "compare", "map", "trends", "data"]


def _frames(at) -> list:
    return [d.value for d in at.dataframe]


def test_data_page_shows_the_reliability_of_the_selected_wave():
    at = app("data")
    assert any(h.value == "Reliability of the scales" for h in at.header)
    table = next(f for f in _frames(at) if "Alpha" in f.columns)
    assert "Vision vs Execution — leadership pole" in set(table["Scale"])
    assert "Vision vs Execution (all items)" in set(table["Scale"])
    assert (table["n"] >= 5).all()
    assert any("Listwise" in c.value for c in at.caption)


def test_dimensions_page_has_a_reliability_section_for_its_dimension():
    at = app("dimensions")
    table = next(f for f in _frames(at) if "Alpha" in f.columns)
    assert len(table) == 3 and table["Scale"].str.startswith("Vision vs Execution").all()


@pytest.fixture
def big_five():
    con = db()
    ingest.import_file(con, FIX / "external" / "bfi.csv", ingest.Options(
        wave="bfi", codebook=load_codebook(FIX / "codebooks" / "bfi_big_five.csv")))
    con.close()


@pytest.mark.parametrize("page", PAGES)
def test_single_pole_scales_break_no_page(big_five, page):
    at = app(page)
    assert not at.exception
    if page == "dimensions":                     # its scales are what the page offers
        assert at.selectbox(key="dimension").options[0] == "Agreeableness"
        table = next(f for f in _frames(at) if "Alpha" in f.columns)
        assert list(table["Scale"]) == ["Agreeableness (all items)"]
    if page == "data":
        table = next(f for f in _frames(at) if "Alpha" in f.columns)
        assert "Openness (all items)" in set(table["Scale"])
        assert "⚠ below 0.70 (0.603)" in set(table["Check"])


def test_data_quality_page_for_the_admin():
    at = app("quality")
    assert at.title[0].value == "Data quality"
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["Checked at import", "Straight-lining"]
    assert len(at.get("plotly_chart")) == 1
    assert any("no completion times" in c.value for c in at.caption)


def test_no_data_quality_page_through_a_link():
    from tests.test_access import make_link
    link = make_link()
    at = app(share=link.id)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/quality.py")


def test_a_link_reaches_reliability_only_inside_its_scope():
    from lvm_data import store
    from tests.test_access import make_link
    make_link()
    con = db()
    scoped = store.scope.Scoped(store.scope.Scope(where={"department": ["Sales"]}))
    inside = scoped.reliability(con.cursor())
    sales = store.reliability(con.cursor(), where={"department": ["Sales"]})
    assert inside.table.equals(sales.table) and not inside.empty
    outside = scoped.reliability(con.cursor(), where={"department": ["Engineering"]})
    assert outside.empty and outside.message == store.scope.OUTSIDE
    con.close()


def test_data_quality_page_with_flagged_and_timed_responses(tmp_path):
    from tests.test_quality import write_export
    con = db()
    ingest.import_file(con, write_export(tmp_path / "timed.csv"),
                       ingest.Options(wave="timed", exclude_flagged=("straightliners",)))
    con.close()
    at = app("quality")
    values = {m.label: m.value for m in at.metric}
    assert values["Straight-lining"] == "6 (15.0%)" and values["Speeders"] == "5 (12.5%)"   # of the 40 checked
    assert values["Left out at import"] == "6" and values["Checked at import"] == "40"
    assert any("Median completion time" in c.value for c in at.caption)
    assert any("straight-lining (recorded when it was imported)" in m.value for m in at.markdown)
