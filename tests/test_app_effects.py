"""The pages show effect sizes, change since the last wave and self vs others (AppTest on
the bundled sample, and on a 360 sample)."""
from __future__ import annotations

from lvm_data import ingest
from lvm_data.sample import write_sample
from test_app import app, charts, db


def frames(at):
    return [el.value for el in at.dataframe]


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_compare_shows_effect_sizes_and_what_the_sizes_could_detect():
    at = app("compare")
    table = frames(at)[0]
    assert {"diff", "d", "p", "mark", "mdd"} <= set(table.columns)
    assert table["d"].str.match(r"^[+-]\d\.\d\d \[[+-]\d\.\d\d, [+-]\d\.\d\d\]$").all()
    assert "Smallest detectable" not in captions(at)          # a column label, not a caption
    assert "would likely go unnoticed" in captions(at)
    assert charts(at) == 1


def test_heatmap_change_and_difference_modes_render():
    at = app("teams")
    labels = at.selectbox(key="value").options
    assert "Change since 2025-H1" in labels
    assert "Difference from everyone in the filters" in labels
    at.selectbox(key="value").select("change").run()
    assert not at.exception, [e.value for e in at.exception]
    assert charts(at) == 2 and "Orientation in 2025-H2 minus in 2025-H1" in captions(at)
    at.selectbox(key="value").select("difference").run()
    assert not at.exception and charts(at) == 2
    assert "Welch's t, significant at 5%" in captions(at)
    assert any("welch_f" not in t.columns and "f" in t.columns for t in frames(at))


def test_overview_shows_change_with_noise_flag_and_the_first_wave_none():
    at = app("overview")
    assert any(h.value.startswith("Change since 2025") for h in at.subheader)
    # the change is a chart (no table code on the first page): 5 dimensions, one dot each,
    # a dot marked ● exactly when its CI excludes 0
    import json
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    dots = next(s["data"][0] for s in specs if s["data"][0].get("name") == "Change")
    assert len(dots["x"]) == 5 and not frames(at)
    for x, plus, minus, text in zip(dots["x"], dots["error_x"]["array"],
                                    dots["error_x"]["arrayminus"], dots["text"]):
        assert text.endswith("●") == (x - minus > 0 or x + plus < 0)
    at.selectbox(key="wave").select("2025-H1").run()
    assert not any(h.value.startswith("Change since") for h in at.subheader)


def test_trends_render_with_step_marks():
    at = app("trends")
    assert not at.exception and charts(at) == 2


def test_self_vs_others_page(tmp_path):
    path = tmp_path / "360.csv"
    write_sample(path, 600, seed=3, raters=True)
    con = db()
    ingest.import_file(con, path, ingest.Options(wave="360"))
    con.close()
    at = app("raters")
    assert charts(at) == 1 and set(frames(at)[-1]["group"]) == {"All leaders"}
    at.selectbox(key="rater_group").select("department").run()
    assert not at.exception and charts(at) == 1
    gaps = frames(at)[-1]
    assert {"blind spot", "hidden strength"} <= set(gaps["flag"])
    assert (gaps["n_self"] >= 5).all()


def test_self_vs_others_page_without_raters_says_so():
    at = app("raters")
    assert "no rater column" in " ".join(i.value for i in at.info)


def test_download_rows_keep_their_values_and_gain_the_change(monkeypatch):
    """with_change appends the three columns to the shown rows, blank where none is shown."""
    import pandas as pd

    from lvm_data.store import Result
    from lvm_ui import effects_view, filters
    rows = pd.DataFrame({"group": ["all", "A", "B"], "dimension": ["d"] * 3, "n": [30, 12, 18],
                         "orientation": [1.0, 2.0, 0.5]})
    found = {None: pd.DataFrame({"group": ["all"], "dimension": ["d"], "change": [1.5],
                                 "change_ci_low": [0.5], "change_ci_high": [2.5]}),
             "team": pd.DataFrame({"group": ["A"], "dimension": ["d"], "change": [-3.0],
                                   "change_ci_low": [-6.0], "change_ci_high": [0.1]})}
    monkeypatch.setattr(effects_view, "change", lambda f, by=None: Result(found[by], 5))
    f = filters.Filters("v", waves=("w1", "w2"), wave="w2")
    out = effects_view.with_change(f, "team", rows)
    assert list(out.columns) == [*rows.columns, "change", "change_ci_low", "change_ci_high"]
    assert out[rows.columns].equals(rows)
    assert out["change"].tolist()[:2] == [1.5, -3.0] and pd.isna(out["change"].iloc[2])
    first = filters.Filters("v", waves=("w1", "w2"), wave="w1")
    assert effects_view.with_change(first, "team", rows) is rows
