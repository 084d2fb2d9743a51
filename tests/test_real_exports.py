"""Real exports from survey tools, imported with a codebook where their questions are not
the instrument's, with scores checked against an independent computation (plain Python
over the file, no lvm_data code)."""
import csv
import statistics
from pathlib import Path

import pytest

from lvm_data import ingest, store
from lvm_data.instrument import load_codebook

FIX = Path(__file__).parent / "fixtures"
EXT = FIX / "external"


def independent_scores(rows, codebook_rows, smin, smax):
    """Respondent (leadership, management) per dimension by the README's rules."""
    by_pole = {}
    for r in codebook_rows:
        by_pole.setdefault((r["dimension"], r["pole"]), []).append(
            (r["question"], r["reverse"].lower() == "true"))
    out = []
    for row in rows:
        scores = {}
        for dim in {d for d, _ in by_pole}:
            poles = []
            for pole in ("leadership", "management"):
                items = by_pole[(dim, pole)]
                vals = [smin + smax - float(row[q]) if rev else float(row[q])
                        for q, rev in items if row[q].strip() != ""]
                poles.append(sum(vals) / len(vals) if len(vals) >= -(-len(items) // 2) else None)
            if None not in poles:
                scores[dim] = poles
        out.append(scores)
    return out


def test_bfi_big_five_as_custom_instrument(tmp_path, con):
    book = FIX / "codebooks" / "bfi.csv"
    summary = ingest.import_file(con, EXT / "bfi.csv",
                                 ingest.Options(wave="bfi", codebook=load_codebook(book)))
    assert summary.waves == [("bfi", 2800)]
    with open(EXT / "bfi.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(book, newline="") as fh:
        cb = list(csv.DictReader(fh))
    expected = independent_scores(rows, cb, 1, 6)
    res = store.group_scores(con.cursor(), by="gender").table
    for gender in ("1", "2"):
        for dim in ("people_process", "innovation_stability"):
            picked = [s[dim] for s, r in zip(expected, rows) if r["gender"] == gender and dim in s]
            orient = [100 * (lead - man) / 5 for lead, man in picked]
            got = res[(res["group"] == gender) & (res["dimension"] == dim)].iloc[0]
            assert got["n"] == len(picked)
            assert got["leadership"] == pytest.approx(statistics.fmean(p[0] for p in picked))
            assert got["management"] == pytest.approx(statistics.fmean(p[1] for p in picked))
            assert got["orientation"] == pytest.approx(statistics.fmean(orient))


QUALTRICS = ["QualtricsTools_Single_Answer_Matrix_Questions_Insights.csv",
             "QualtricsTools_Single_Answer_Matrix_Questions_Legacy.csv"]


@pytest.mark.parametrize("name", QUALTRICS)
def test_qualtrics_matrix_both_layouts(name, con):
    """Q2 (leadership, Q2_3 reversed) against the 'Export Tags' matrix (management), 1-4.

    By hand from the file: L per respondent 8/3, 10/3, 3, 3, 10/3 (Q2_3 reversed as 5 - v);
    M 2, 2, 7/3, 8/3, 4. Means 46/15 and 39/15; orientation 100 (7/15) / 3 = 15.5556.
    """
    book = load_codebook(FIX / "codebooks" / "qualtrics_matrix.csv")
    summary = ingest.import_file(con, EXT / name, ingest.Options(wave="q", codebook=book))
    assert summary.report.tool.startswith("qualtrics")
    assert summary.waves == [("q", 5)]
    row = store.group_scores(con.cursor()).table.iloc[0]
    assert row["n"] == 5
    assert row["leadership"] == pytest.approx(46 / 15)
    assert row["management"] == pytest.approx(39 / 15)
    assert row["orientation"] == pytest.approx(100 * (7 / 15) / 3)
    assert {"RecipientEmail", "IPAddress", "LocationLatitude"} & set(
        summary.report.personal_columns) or {"EmailAddress", "IPAddress"} & set(
        summary.report.personal_columns)


def test_qualtrics_recoded_values_infer_their_scale(con):
    """Recode values 10..13: the scale is inferred (10-13) and recorded with the wave.

    L = 11, 12, 12, 34/3, 12 (mean 175/15); M = 11, 35/3, 35/3, 37/3, 38/3 (mean 178/15);
    orientation = 100 * (-3/15) / 3 = -6.6667; balance = 100 * ((353/30) - 10) / 3.
    """
    book = load_codebook(FIX / "codebooks" / "qualtrics_recoded.csv")
    ingest.import_file(con, EXT / QUALTRICS[0], ingest.Options(wave="r", codebook=book))
    wave = store.waves(con.cursor()).iloc[0]
    assert (wave["scale_min"], wave["scale_max"]) == (10, 13)
    row = store.group_scores(con.cursor()).table.iloc[0]
    assert row["orientation"] == pytest.approx(-20 / 3)
    assert row["balance"] == pytest.approx(100 * (353 / 30 - 10) / 3)


def test_limesurvey_7_point_array(con):
    book_path = FIX / "codebooks" / "limesurvey_qmi.csv"
    summary = ingest.import_file(con, EXT / "PLR_tool_AP_results-survey.csv",
                                 ingest.Options(wave="l", codebook=load_codebook(book_path)))
    assert summary.report.tool == "limesurvey"
    with open(EXT / "PLR_tool_AP_results-survey.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(book_path, newline="") as fh:
        expected = [s["imagery"] for s in independent_scores(rows, list(csv.DictReader(fh)), 1, 7)
                    if "imagery" in s]
    row = store.group_scores(con.cursor()).table.iloc[0]
    assert row["n"] == len(expected) == 50
    assert row["leadership"] == pytest.approx(statistics.fmean(e[0] for e in expected))
    assert row["management"] == pytest.approx(statistics.fmean(e[1] for e in expected))
    sd = statistics.stdev(100 * (e[0] - e[1]) / 6 for e in expected)
    half = 2.0096 * sd / 50 ** 0.5          # t(0.975, 49) = 2.0096
    assert row["orientation_ci_high"] - row["orientation"] == pytest.approx(half, rel=1e-4)
