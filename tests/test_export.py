"""The scores CSV download: formula injection is neutralised, numbers stay numbers."""
import csv
import io

import pandas as pd
import pytest

from lvm_data.export import safe_text, scores_csv


def _rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx",
                                  '=HYPERLINK("http://evil","x")'])
def test_formula_triggers_get_a_quote(cell):
    assert safe_text(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Engineering", "", "a=b", " =1", "Team - Data", 3, -2.5, None])
def test_harmless_values_unchanged(cell):
    assert safe_text(cell) == cell


def test_scores_csv_keeps_numbers_and_quotes_text():
    df = pd.DataFrame({"group": ["=cmd|' /C calc'!A0", "Sales", "-Ops", "@team"],
                       "dimension": ["vision_execution"] * 4,
                       "n": [12, 30, 7, 5],
                       "orientation": [-12.5, 3.25, -100.0, 0.0]})
    rows = _rows(scores_csv(df))
    assert rows[0] == ["group", "dimension", "n", "orientation"]
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "Sales", "'-Ops", "'@team"]
    assert [r[3] for r in rows[1:]] == ["-12.5", "3.25", "-100.0", "0.0"]
    assert [r[2] for r in rows[1:]] == ["12", "30", "7", "5"]


def test_scores_csv_handles_missing_and_string_dtype():
    df = pd.DataFrame({"group": pd.array(["+1", None, "ok"], dtype="string"),
                       "orientation": [1.5, float("nan"), -2.0]})
    rows = _rows(scores_csv(df))
    assert rows[1] == ["'+1", "1.5"]
    assert rows[2] == ["", ""]
    assert rows[3] == ["ok", "-2.0"]


def test_scores_csv_header_is_safe_and_bom_present():
    df = pd.DataFrame({"=evil": ["x"]})
    data = scores_csv(df)
    assert data.startswith(b"\xef\xbb\xbf")
    assert _rows(data)[0] == ["'=evil"]


def test_scores_csv_leaves_input_untouched():
    df = pd.DataFrame({"group": ["=x"], "n": [5]})
    scores_csv(df)
    assert df.loc[0, "group"] == "=x"


HOSTILE = '=HYPERLINK("http://evil","x")'


def test_codebook_download_quotes_headers_and_reads_back():
    """The codebook holds the export's own headers; one may be a formula. The download
    quotes it, and reading the codebook back maps the original header again."""
    from lvm_data.instrument import load_default, parse_codebook
    from lvm_data.mapping import Match, to_codebook_csv
    inst = load_default()
    first, second = inst.items[0], inst.items[1]
    matches = [Match(HOSTILE, HOSTILE, "item", first.id, 1.0, "chosen by you"),
               Match("-Q2", "-Q2", "item", second.id, 1.0, "chosen by you")]
    for custom in (False, True):
        text = to_codebook_csv(matches, inst, custom=custom)
        rows = list(csv.reader(io.StringIO(text)))
        assert [r[0] for r in rows[1:]] == ["'" + HOSTILE, "'-Q2"]
        assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    book = parse_codebook(to_codebook_csv(matches, inst))
    assert book.mapping == {HOSTILE: first.id, "-Q2": second.id}


def test_instrument_csv_is_formula_safe():
    from dataclasses import replace

    from lvm_data.instrument import Instrument, instrument_csv, load_default
    inst = load_default()
    evil = Instrument((replace(inst.items[0], text="@SUM(1+1)"), *inst.items[1:]))
    rows = list(csv.reader(io.StringIO(instrument_csv(evil))))
    assert rows[1][4] == "'@SUM(1+1)"
