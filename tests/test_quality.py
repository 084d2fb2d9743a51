"""Response quality: straight-lining, speeders, blank items, and leaving them out of the scores
with the setting recorded per wave. Expected counts are planted and recounted here by hand."""
from __future__ import annotations

import csv
import json
import random
import statistics
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from lvm_data import cli, ingest, quality, store
from lvm_data.import_types import Column
from lvm_data.instrument import load_default
from lvm_data.settings import SettingsError
from lvm_data.store import quality as quality_store

ITEMS = [i.id for i in load_default().items]
STRAIGHT = range(0, 6)          # 6 respondents answer 4 to everything, reverse items too
FAST = range(6, 11)             # 5 respondents take a minute


def _durations() -> list[int]:
    return [60 if i in FAST else 600 + 10 * i for i in range(40)]


def write_export(path: Path, fmt: str = "%Y-%m-%d %H:%M:%S") -> Path:
    rng = random.Random(4)
    start = datetime(2024, 3, 1, 9, 0, 0)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Respondent ID", "Start Date", "End Date", "Department", *ITEMS])
        for i, seconds in enumerate(_durations()):
            t0 = start + timedelta(minutes=13 * i)
            answers = ["4"] * len(ITEMS) if i in STRAIGHT else \
                [str(rng.randint(1, 5)) for _ in ITEMS]
            if i == 11:                              # two answers alike, the rest blank
                answers = ["3", "3"] + [""] * (len(ITEMS) - 2)
            if i in range(12, 17):                   # five people skip the first item
                answers[0] = ""
            w.writerow([f"R{i:03d}", t0.strftime(fmt), (t0 + timedelta(seconds=seconds))
                        .strftime(fmt), "Sales" if i % 2 else "Finance", *answers])
    return path


def test_timing_columns_of_each_tool():
    def cols(*headers):
        return [Column(i, h, h, h) for i, h in enumerate(headers)]
    assert quality.timing_columns(cols("StartDate", "EndDate", "Duration (in seconds)")) == \
        quality.Timing(duration_key="Duration (in seconds)")
    assert quality.timing_columns(cols("Start Date", "End Date", "Q1")).timed      # SurveyMonkey
    assert quality.timing_columns(cols("Start time", "Completion time")).timed   # MS Forms
    assert quality.timing_columns(cols("Start Date (UTC)", "Submit Date (UTC)")).timed   # Typeform
    assert quality.timing_columns(cols("startdate. Date started", "submitdate. Date submitted",
                                       "interviewtime. Total time")).duration_key
    assert not quality.timing_columns(cols("Timestamp", "Q1")).timed          # Google Forms


def test_flag_settings_are_checked():
    assert quality.parse_flags(["speeders", "straightliners"]) == ("straightliners", "speeders")
    assert quality.parse_flags("none") == () and quality.parse_flags(None) == ()
    with pytest.raises(SettingsError, match="unknown flag 'fast'"):
        quality.parse_flags("fast")


@pytest.mark.parametrize("fmt", ["%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"])
def test_flags_are_counted_and_kept_by_default(tmp_path, con, fmt):
    ingest.import_file(con, write_export(tmp_path / "t.csv", fmt), ingest.Options(wave="w"))
    cur = con.cursor()
    median = statistics.median(_durations())
    fast = sum(1 for d in _durations() if d < median / 3)
    assert fast == len(FAST)
    result = quality_store.flags(cur)
    counts = dict(zip(result.table["flag"], result.table["count"]))
    assert counts == {"straightliners": len(STRAIGHT), "speeders": fast}
    assert result.extra["checked"] == 40 and result.extra["excluded"] == "0"
    assert result.extra["median_duration_s"] == pytest.approx(median)
    assert store.overview(cur).table.iloc[0]["respondents"] == 40
    stored = cur.execute("SELECT duration_s FROM response_quality ORDER BY rid").fetchall()
    assert [d for (d,) in stored] == pytest.approx(_durations())    # seconds, no timestamps
    assert not {"start_date", "end_date"} & set(store.attribute_names(cur))


def test_excluded_responses_leave_every_score_and_the_setting_stays_with_the_wave(
        tmp_path, con, _isolated_settings):
    path = write_export(tmp_path / "t.csv")
    _isolated_settings.write_text('min_group_size = 5\nexclude_flagged = ["straightliners", '
                                  '"speeders"]\n')
    summary = ingest.import_file(con, path, ingest.Options(wave="cleaned"))
    assert summary.report.problems == {"straight-lining": 6, "speeder": 5}
    cur = con.cursor()
    assert store.overview(cur, wave="cleaned").table.iloc[0]["respondents"] == 40 - 11
    before = store.group_scores(cur, wave="cleaned").table
    assert set(before["n"]) <= {29, 28}
    rec = quality_store.flags(cur, wave="cleaned")
    assert rec.extra["excluded_flags"] == ["straightliners", "speeders"]
    assert rec.extra["excluded"] == "11" and rec.table["excluded"].all()
    _isolated_settings.write_text("min_group_size = 5\n")        # the setting changes later
    ingest.import_file(con, path, ingest.Options(wave="kept", as_new_wave=True))
    assert store.group_scores(cur, wave="cleaned").table.equals(before)
    assert store.overview(cur, wave="kept").table.iloc[0]["respondents"] == 40
    assert quality_store.flags(cur, wave="kept").extra["excluded_flags"] == []


def test_cli_option_and_report(tmp_path, capsys):
    db = tmp_path / "q.duckdb"
    path = write_export(tmp_path / "t.csv")
    assert cli.main(["import", str(path), "--exclude-flagged", "straightliners", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "straight-lining: 6" in out and "left out of every score" in out
    assert cli.main(["import", str(path), "--exclude-flagged", "speeders", "--db", str(db)]) == 0
    assert "5 rows skipped" in capsys.readouterr().out
    assert cli.main(["import", str(path), "--exclude-flagged", "slow", "--db", str(db)]) == 2


def test_counts_of_a_few_people_are_masked(tmp_path, con):
    ingest.import_file(con, write_export(tmp_path / "t.csv"), ingest.Options(wave="w"))
    shown = quality_store.flags(con.cursor(), min_group_size=6).table.set_index("flag")
    assert shown.at["straightliners", "shown"] == "6"
    assert shown.at["speeders", "shown"] == "fewer than 6"
    assert pd.isna(shown.at["speeders", "count"]) and pd.isna(shown.at["speeders", "share"])
    assert quality_store.masked(38, 40, 5) == "all but fewer than 5"
    assert quality_store.masked(0, 40, 5) is None and quality_store.masked(5, 40, 5) is None


def test_a_few_excluded_hide_the_checked_total_too(tmp_path, con):
    ingest.import_file(con, write_export(tmp_path / "t.csv"),
                       ingest.Options(wave="w", exclude_flagged=("speeders",)))
    rec = quality_store.flags(con.cursor(), min_group_size=6)
    assert rec.extra["excluded"] == "fewer than 6" and rec.extra["checked"] is None


def test_missingness_by_item(tmp_path, con):
    ingest.import_file(con, write_export(tmp_path / "t.csv"), ingest.Options(wave="w"))
    table = quality_store.missingness(con.cursor()).table.set_index("item_id")
    assert table.at[ITEMS[0], "missing"] == 5 and table.at[ITEMS[0], "share"] == 5 / 40
    assert table.at[ITEMS[0], "shown"] == "12.5%"                # respondents 12 to 16
    assert table.at[ITEMS[1], "shown"] == "0.0%"                 # everyone answered it
    assert table.at[ITEMS[2], "shown"] == "fewer than 5"         # respondent 11 alone
    assert pd.isna(table.at[ITEMS[2], "share"]) and pd.isna(table.at[ITEMS[2], "missing"])
    raised = quality_store.missingness(con.cursor(), min_group_size=6).table
    assert raised.set_index("item_id").at[ITEMS[0], "shown"] == "fewer than 6"


def test_a_wave_from_before_the_checks(tmp_path, con):
    ingest.import_file(con, write_export(tmp_path / "t.csv"), ingest.Options(wave="w"))
    con.execute("DELETE FROM wave_quality")
    result = quality_store.flags(con.cursor())
    assert result.empty and "imported before response quality was checked" in result.message
    store.delete_wave(con.cursor(), "w")
    assert con.execute("SELECT count(*) FROM response_quality").fetchone()[0] == 0


def test_the_record_is_json_of_known_flags(tmp_path, con):
    ingest.import_file(con, write_export(tmp_path / "t.csv"),
                       ingest.Options(wave="w", exclude_flagged=("straightliners",)))
    raw = con.execute("SELECT excluded_flags FROM wave_quality").fetchone()[0]
    assert json.loads(raw) == ["straightliners"]


def test_missingness_chart_never_draws_a_masked_bar():
    from lvm_data.charts import missingness_bars
    table = pd.DataFrame({"item_id": ["A1", "B<b>2</b>"], "text": ["x", "<a href=x>y</a>"],
                          "dimension": ["d", "d"], "missing": [None, 10],
                          "share": [None, 0.25], "shown": ["fewer than 5", "25.0%"]})
    bar = missingness_bars(table).data[0]
    assert list(bar.x) == [0, 25.0] and list(bar.text) == ["fewer than 5", "25.0%"]
    assert "<b>" not in "".join(bar.y) and "<a href" not in "".join(bar.hovertext)
