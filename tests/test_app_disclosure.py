"""The anonymity attacks through the pages (AppTest), with nothing but URL filters."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from lvm_data import ingest
from tests.fixtures import planted
from tests.test_app import app, charts

K = 5
HIDDEN_TEAMS = ("Finance - Treasury", "Finance - Controlling")


@pytest.fixture(autouse=True)
def org(tmp_path, con):
    """The planted organisation in the app's database (so the sample is not loaded)."""
    ingest.import_file(con, planted.write(tmp_path / "planted.csv"), ingest.Options(wave="w"))
    return con


def _remainders_ok(table: pd.DataFrame, everyone: str) -> None:
    """Per dimension: all respondents minus the shown groups is 0 or at least k."""
    for dim, part in table.groupby("dimension"):
        total = part.loc[part["group"] == everyone, "n"]
        if total.empty:
            continue
        rest = int(total.iloc[0]) - int(part.loc[part["group"] != everyone, "n"].sum())
        assert rest == 0 or rest >= K, (dim, rest)


def test_dimensions_page_refuses_the_tenure_subtraction():
    at = app("dimensions", department="Sales",
             tenure_band=["<1 year", "1-3 years", "3-5 years", "5+ years"])
    # "<1 year" (2 people) is no option: ignored like an unknown value, and said so
    assert at.multiselect(key="tenure_band").value == ["1-3 years", "3-5 years", "5+ years"]
    assert any("<1 year" in i.value for i in at.info)
    assert charts(at) == 0
    assert any("differs from a wider selection" in w.value for w in at.warning)
    whole = app("dimensions", department="Sales")
    assert charts(whole) == 2


def test_teams_page_all_row_does_not_give_away_hidden_teams():
    at = app("teams", department="Finance", group="Team")
    table = at.dataframe[-1].value
    assert set(table["group"]) == {"All respondents", "Finance - Accounting"}
    shown = table.rename(columns={"dimension_label": "dimension"})
    _remainders_ok(shown, "All respondents")
    spec = json.dumps([c.proto.spec for c in at.get("plotly_chart")])
    assert not any(team in spec for team in HIDDEN_TEAMS)
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "2 groups hidden" in captions


def test_map_shows_no_hidden_team():
    at = app("map", department="Finance", group="Team")
    spec = json.dumps([c.proto.spec for c in at.get("plotly_chart")])
    assert "Finance - Accounting" in spec
    assert not any(team in spec for team in HIDDEN_TEAMS)


class _Recording(MemoryMediaFileStorage):
    """Keeps the files AppTest's mock runtime stores, so a download can be read back."""
    stores: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _Recording.stores.append(self)


def test_download_holds_no_hidden_team(monkeypatch):
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _Recording)
    _Recording.stores.clear()
    at = app("data", department="Finance", group="Team")
    button = at.get("download_button")[0]
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    data = next(s.get_file(file_id).content for s in _Recording.stores
                if file_id in s._files_by_id)
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert set(table["group"]) == {"all", "Finance - Accounting"}
    _remainders_ok(table, "all")


def test_option_lists_and_sidebar_words():
    at = app("overview")
    assert "30+ years" not in at.multiselect(key="tenure_band").options
    assert "<1 year" not in at.multiselect(key="tenure_band").options
    at.multiselect(key="department").select("Finance")
    at.run()
    assert at.multiselect(key="team").options == ["Finance - Accounting",
                                                  "Finance - Controlling"]
    words = " ".join(c.value for c in at.sidebar.caption)
    assert "values held by fewer than 5 respondents of this wave are not listed" in words


def test_a_withheld_dimension_is_said_in_words():
    at = app("overview", team="Finance - Controlling")
    captions = " ".join(c.value for c in at.caption).replace("\\", "")   # Markdown escapes
    assert "Withheld to protect anonymity: People" in captions
    assert "fewer than 5 respondents" in captions
    for digit in "1234":                       # no count below k anywhere on the page
        assert f" {digit} respondent" not in captions


@pytest.mark.parametrize("page", ["teams", "map", "dimensions"])
def test_with_every_group_hidden_the_all_row_is_still_shown(page):
    at = app(page, department="Finance", group="Team", min_group="10")   # teams 7, 6, 3
    assert charts(at) >= 1 and not any("cannot be shown" in w.value for w in at.warning)
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "3 groups hidden" in captions
    if page == "teams":
        assert set(at.dataframe[-1].value["group"]) == {"All respondents"}
