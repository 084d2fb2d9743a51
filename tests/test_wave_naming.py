"""Default wave names and dates from the responses' own dates (issue 10), on real exports.

Expected names are worked out here from the raw files with pandas, by the rule in the
README: one month -> YYYY-MM, one quarter -> YYYY-Qn, else "YYYY-MM to YYYY-MM"."""
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from lvm_data import ingest, store, wave_naming
from lvm_data.instrument import load_codebook
from tools.example_exports import limesurvey_codebook, limesurvey_codes

FIX = Path(__file__).parent / "fixtures"
EXT = FIX / "external"


def rule(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """The README's rule, written again from its words."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{last.year}-{last.month:02d}"
    if first.year == last.year and first.quarter == last.quarter:
        return f"{last.year}-Q{last.quarter}"
    return f"{first.year}-{first.month:02d} to {last.year}-{last.month:02d}"


def preview(con, path, **options):
    return ingest.import_file(con, path, ingest.Options(**options), dry_run=True)


def test_qualtrics_enddate_names_and_dates_the_wave(con):
    """A real Qualtrics export (QualtricsTools Insights layout, 3 header rows)."""
    name = "QualtricsTools_Single_Answer_Matrix_Questions_Insights.csv"
    raw = pd.read_csv(EXT / name, skiprows=[1, 2])
    ends = pd.to_datetime(raw["EndDate"], format="%Y-%m-%d %H:%M:%S")
    book = load_codebook(FIX / "codebooks" / "qualtrics_matrix.csv")
    summary = ingest.import_file(con, EXT / name, ingest.Options(codebook=book))
    assert summary.waves == [(rule(ends.min(), ends.max()), 5)] == [("2016-05", 5)]
    wave = store.waves(con.cursor()).iloc[0]
    assert pd.Timestamp(wave["wave_date"]).date() == ends.max().date()


def test_qualtrics_without_items_still_proposes_a_name(con):
    """qualtRics' sample matches no item: the preview is blocked but names the wave."""
    raw = pd.read_csv(EXT / "qualtRics_sample.csv", skiprows=[1, 2])
    ends = pd.to_datetime(raw["EndDate"])
    report = preview(con, EXT / "qualtRics_sample.csv")
    assert report.blocker and "none of the file's columns" in report.blocker
    assert report.default_wave == rule(ends.min(), ends.max()) == "2017-07"
    assert report.default_date == ends.max().date()
    assert report.layout.startswith("3 header rows")


def test_google_forms_timestamp(con):
    name = "Hotdog_Survey_Responses_Form_Responses_1.csv"
    stamps = pd.to_datetime(pd.read_csv(EXT / name)["Timestamp"], format="%m/%d/%Y %H:%M:%S")
    report = preview(con, EXT / name)
    assert report.tool == "google_forms"
    assert report.default_wave == rule(stamps.min(), stamps.max())
    assert report.default_date == stamps.max().date()


def test_limesurvey_real_file_without_dates_keeps_its_file_name(con):
    """The published LimeSurvey file has no submitdate column: the file name is used."""
    report = preview(con, EXT / "PLR_tool_AP_results-survey.csv")
    assert report.tool == "limesurvey"
    assert report.default_wave == "PLR_tool_AP_results-survey" and report.default_date is None


@pytest.mark.parametrize("first, days, expected", [
    (datetime(2026, 10, 2), 20, "2026-10"),
    (datetime(2026, 10, 20), 50, "2026-Q4"),
    (datetime(2026, 9, 20), 120, "2026-09 to 2027-01"),
])
def test_limesurvey_submitdate(tmp_path, con, first, days, expected):
    path = limesurvey_codes(tmp_path / "results-survey1.csv", 12, first, span_days=days)
    raw = pd.read_csv(path)
    sub = pd.to_datetime(raw["submitdate"])
    assert rule(sub.min(), sub.max()) == expected
    book = tmp_path / "cb.csv"
    book.write_text(limesurvey_codebook())
    summary = ingest.import_file(con, path, ingest.Options(codebook=load_codebook(book)))
    assert summary.waves[0][0] == expected
    assert pd.Timestamp(store.waves(con.cursor()).iloc[0]["wave_date"]).date() == sub.max().date()


def test_a_one_letter_file_name_is_never_the_wave_name(tmp_path, con):
    book = tmp_path / "cb.csv"
    book.write_text(limesurvey_codebook())
    path = limesurvey_codes(tmp_path / "x.csv", 10, datetime(2026, 1, 1))
    lines = path.read_text().splitlines()             # drop the date columns' values
    cut = [",".join(c if i not in (1, 5, 6) else "" for i, c in enumerate(ln.split(",")))
           if n else ln for n, ln in enumerate(lines)]
    short = tmp_path / "s.csv"
    short.write_text("\n".join(cut) + "\n")
    report = preview(con, short, codebook=load_codebook(book), include_partial=True)
    assert report.default_wave == "Wave 1"
    assert wave_naming.default_wave(None, "s.csv", {"Wave 1", "2026-01"}) == ("Wave 3", None)


def test_period_rule_and_unique_names():
    assert wave_naming.period_name(date(2026, 12, 1), date(2026, 12, 31)) == "2026-12"
    assert wave_naming.period_name(date(2026, 1, 31), date(2026, 3, 1)) == "2026-Q1"
    assert wave_naming.period_name(date(2026, 3, 31), date(2026, 4, 1)) == "2026-03 to 2026-04"
    assert wave_naming.period_name(date(2025, 12, 30), date(2026, 1, 2)) == \
        "2025-12 to 2026-01"
    assert wave_naming.unique("2026-10", {"2026-10", "2026-10 (2)"}) == "2026-10 (3)"
    assert wave_naming.default_wave((date(2026, 10, 1), date(2026, 10, 9)), "f.csv",
                                    {"2026-10"}) == ("2026-10 (2)", date(2026, 10, 9))
