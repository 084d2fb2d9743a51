"""scales: label spellings, missing tokens, numeric ranges, LimeSurvey codes, SQL pairs."""
from __future__ import annotations

import duckdb
import pytest

from lvm_data.scales import MISSING, SCALES, Scale, ScaleGuess, infer_scale, normalise_label, \
    scale_by_name, to_value, value_labels, value_sql_cases

AGREE5 = scale_by_name("agreement 5")
AGREE7 = scale_by_name("agreement 7")
FREQ = scale_by_name("frequency 5")
EXTENT = scale_by_name("extent 5")


def test_standard_scales_present():
    names = [s.name for s in SCALES]
    assert names == ["agreement 5", "agreement 7", "frequency 5", "extent 5",
                     "numeric 1-5", "numeric 1-7", "numeric 0-10"]
    assert (AGREE7.min, AGREE7.max) == (1, 7) and scale_by_name("numeric 0-10").min == 0
    assert value_labels(AGREE5)[5.0] == "Strongly agree" and value_labels(scale_by_name("numeric 1-5"))[3.0] == "3"


@pytest.mark.parametrize("raw,expected", [
    ("  Strongly   AGREE. ", "strongly agree"), ("Don’t know", "don't know"), ("“Agree”", "agree"),
    ("Neutral!", "neutral"), ("N/A", "n/a"), ("-", "-"), ("-1", "-1"), ("Agree\u00a0strongly", "agree strongly"),
])
def test_normalise_label(raw, expected):
    assert normalise_label(raw) == expected


@pytest.mark.parametrize("scale,spellings", [
    (AGREE5, {1: ["Strongly disagree", "STRONGLY DISAGREE", "Disagree strongly"],
              2: ["Disagree", "Somewhat disagree", "tend to disagree"],
              3: ["Neither agree nor disagree", "Neutral", "Neither agree or disagree", "neither"],
              4: ["Agree", "Somewhat agree", "agree."], 5: ["Strongly agree", "Agree strongly", "Strongly Agree "]}),
    (AGREE7, {1: ["Strongly disagree"], 2: ["Disagree"], 3: ["Somewhat disagree", "Slightly disagree"],
              4: ["Neither agree nor disagree", "Neutral"], 5: ["Somewhat agree", "slightly agree"],
              6: ["Agree"], 7: ["Strongly agree", "Agree strongly"]}),
    (FREQ, {1: ["Never", "never"], 2: ["Rarely", "Seldom"], 3: ["Sometimes", "Occasionally"],
            4: ["Often", "Usually"], 5: ["Always", "ALWAYS"]}),
    (EXTENT, {1: ["Not at all", "not at all."], 2: ["To a small extent", "Small extent"],
              3: ["To a moderate extent", "To some extent"], 4: ["To a great extent", "To a large extent"],
              5: ["To a very great extent", "Very great extent"]}),
])
def test_label_spellings(scale, spellings):
    for value, raws in spellings.items():
        for raw in raws:
            assert to_value(raw, scale) == value, raw


def test_number_prefixed_labels_and_plain_numbers():
    assert to_value("1 - Strongly disagree", AGREE5) == 1
    assert to_value("5 (Strongly agree)", AGREE5) == 5
    assert to_value("4", AGREE5) == 4 and to_value("9", AGREE5) is None
    assert to_value("3.0", scale_by_name("numeric 1-5")) == 3


@pytest.mark.parametrize("raw", ["", "N/A", "n/a", "NA", "Don't know", "dont know", "Prefer not to say",
                                 "-", "-99", None])
def test_missing_tokens(raw):
    assert to_value(raw, AGREE5) is None
    if raw is not None:
        assert normalise_label(raw) in MISSING


def test_infer_agreement_reports_unrecognised_with_counts():
    guess = infer_scale({"Strongly agree": 10, "Agree": 20, "Neutral": 5, "N/A": 7, "Agree strongly": 1,
                         "Kind of": 3, "": 9})
    assert isinstance(guess, ScaleGuess)
    assert guess.scale.name == "agreement 5" and guess.numeric is False
    assert guess.unrecognised == {"Kind of": 3}


def test_infer_prefers_seven_point_when_labels_collide_on_five():
    guess = infer_scale({"Disagree": 3, "Somewhat disagree": 2, "Agree": 4, "Somewhat agree": 1})
    assert guess.scale.name == "agreement 7" and guess.unrecognised == {}


def test_infer_frequency_and_extent():
    assert infer_scale({"Never": 1, "Often": 4, "Always": 2, "Sometimes": 1}).scale.name == "frequency 5"
    assert infer_scale({"Not at all": 1, "To a great extent": 3}).scale.name == "extent 5"


@pytest.mark.parametrize("counts,name,low,high", [
    ({"1": 3, "5": 2, "3": 1}, "numeric 1-5", 1, 5),
    ({"2": 1, "6": 4}, "numeric 1-7", 1, 7),
    ({"0": 1, "9": 4, "10": 2}, "numeric 0-10", 0, 10),
    ({"10": 4, "11": 2, "13": 1}, "numeric 10-13", 10, 13),  # Qualtrics recode values
    ({"AO01": 2, "AO05": 3, "AO03": 1}, "numeric 1-5", 1, 5),  # LimeSurvey answer codes
    ({"A1": 2, "A7": 1}, "numeric 1-7", 1, 7),
    ({"1 - Never": 2, "2": 3, "5 - Always": 1}, "numeric 1-5", 1, 5),
])
def test_infer_numeric(counts, name, low, high):
    guess = infer_scale(counts)
    assert guess.numeric and (guess.scale.name, guess.scale.min, guess.scale.max) == (name, low, high)
    assert guess.unrecognised == {}


def test_numeric_default_and_unrecognised():
    default = scale_by_name("numeric 1-7")
    assert infer_scale({"2": 1, "4": 1}, default=default).scale is default
    guess = infer_scale({"1": 5, "4": 5, "five": 2, "n/a": 3})
    assert guess.scale.name == "numeric 1-5" and guess.unrecognised == {"five": 2}
    assert to_value("13", infer_scale({"10": 1, "13": 1}).scale) == 13


def test_empty_and_unknown_fall_back_to_default():
    assert infer_scale({"": 4, "N/A": 1}).scale.name == "agreement 5"
    custom = Scale("custom", 1, 3, {"low": 1, "mid": 2, "high": 3}, ((1, "Low"), (2, "Mid"), (3, "High")))
    guess = infer_scale({"Low": 2, "High": 1}, default=custom)
    assert guess.scale is custom and guess.unrecognised == {}
    assert infer_scale({"banana": 2}, default=custom).unrecognised == {"banana": 2}


def test_value_sql_cases_exact_raw_pairs_work_as_parameters():
    raws = ["Strongly agree", "agree.", "N/A", "Weird", "2"]
    pairs = value_sql_cases(AGREE5, raws)
    assert pairs == [("Strongly agree", 5.0), ("agree.", 4.0), ("2", 2.0)]
    case = "CASE v " + " ".join("WHEN ? THEN ?" for _ in pairs) + " END"
    params = [x for pair in pairs for x in pair]
    con = duckdb.connect()
    con.execute("CREATE TABLE t(v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[r] for r in raws])
    got = con.execute(f"SELECT v, {case} FROM t", params).fetchall()
    assert dict(got) == {"Strongly agree": 5.0, "agree.": 4.0, "N/A": None, "Weird": None, "2": 2.0}


def test_value_sql_cases_without_raw_values():
    assert ("strongly agree", 5.0) in value_sql_cases(AGREE5)
    assert value_sql_cases(scale_by_name("numeric 1-5")) == [(str(i), float(i)) for i in range(1, 6)]


def test_scale_is_hashable():
    assert len({AGREE5, AGREE7, AGREE5}) == 2


def test_bfi_items_infer_a_numeric_scale():
    """Real Likert data (psych::bfi, items 1..6, NA = empty) read the documented way."""
    from pathlib import Path

    from lvm_data.formats import detect
    layout = detect(Path(__file__).parent / "fixtures" / "external" / "bfi.csv")
    assert (layout.tool, layout.n_rows) == ("plain", 2800)
    fragment, params = layout.read_csv_sql()
    items = [k for k in layout.keys if k[0] in "ACENO" and k[1:].isdigit()]
    assert len(items) == 25
    parts = " UNION ALL ".join(f'SELECT "{k}" AS v FROM t' for k in items)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM {fragment}", params)
    counts = dict(con.execute(f"SELECT v, count(*) FROM ({parts}) GROUP BY v").fetchall())
    assert set(counts) == {"1", "2", "3", "4", "5", "6", None}
    guess = infer_scale({k: n for k, n in counts.items() if k is not None})
    assert guess.numeric and guess.scale.name == "numeric 1-7" and guess.unrecognised == {}
