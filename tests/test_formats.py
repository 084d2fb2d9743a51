"""formats.detect on real exports (tests/fixtures/external), generated tool layouts and bad input."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import duckdb
import pytest

from lvm_data.formats import MAX_COLUMNS, TOOLS, ImportProblem, Layout, detect

HERE = Path(__file__).parent
EXTERNAL = HERE / "fixtures" / "external"
SHARED = Path("/work/shared/data/external")
sys.path.insert(0, str(HERE / "fixtures"))
import tool_exports as tx  # noqa: E402


def rows_of(layout: Layout) -> list[tuple]:
    """Read exactly as the import pipeline does: the documented read_csv fragment + params."""
    fragment, params = layout.read_csv_sql()
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM {fragment}", params=params)
    assert rel.columns == [c.key for c in layout.columns]
    return rel.fetchall()


def col(layout: Layout, key: str):
    return next(c for c in layout.columns if c.key == key)


# ---------------------------------------------------------------- real exports

def test_fixture_copies_are_byte_identical():
    """The real exports are copied unchanged (checked against the shared originals when present)."""
    expected = {"qualtRics_sample.csv": "3f55357fe3768d0f", "qualtRics_sample_legacy.csv": "ca92575a3134900e",
                "QualtricsTools_Single_Answer_Matrix_Questions_Insights.csv": "40d0d6bdccb31712",
                "QualtricsTools_Single_Answer_Matrix_Questions_Legacy.csv": "939f965e7fa72685",
                "steak-risk-survey_first41lines.csv": "fd72bf6b8b76247c",
                "Hotdog_Survey_Responses_Form_Responses_1.csv": "fb44871a72af8584",
                "PLR_tool_AP_results-survey.csv": "3a87b92d03c60f20", "bfi.csv": "68ae71a96c2157b0"}
    for name, digest in expected.items():  # first 16 hex digits, from SOURCES.md
        assert hashlib.sha256((EXTERNAL / name).read_bytes()).hexdigest()[:16] == digest, name
    for src in SHARED.glob("*/*.csv"):
        assert (EXTERNAL / src.name).read_bytes() == src.read_bytes()


def test_qualtrics_sample():
    layout = detect(EXTERNAL / "qualtRics_sample.csv")
    assert (layout.tool, layout.skip_rows, layout.delimiter, layout.n_rows) == ("qualtrics", 3, ",", 1)
    assert layout.keys[:3] == ["StartDate", "EndDate", "Status"]
    assert layout.keys[-3:] == ["Q1", "Q2", "Q2 - Topics"]
    q1 = col(layout, "Q1")
    assert (q1.text, q1.import_id) == ("This is a multiple choice question.", "QID1")
    assert col(layout, "ResponseId").import_id == "_recordId"
    assert col(layout, "RecipientLastName").text == "Nachname des Empfängers"
    assert col(layout, "Q2").import_id == "QID2_TEXT"
    (row,) = rows_of(layout)
    data = dict(zip(layout.keys, row))
    assert data["Q1"] == "2" and data["Q2"] == "Hello World!" and data["Q2 - Topics"] is None
    assert data["ResponseId"] == "R_2YPOQ602ER1jkf1" and data["UserLanguage"] == "DE"


def test_qualtrics_insights_python_dict_import_ids():
    layout = detect(EXTERNAL / "QualtricsTools_Single_Answer_Matrix_Questions_Insights.csv")
    assert (layout.tool, layout.skip_rows, layout.n_rows, len(layout.columns)) == ("qualtrics", 3, 5, 30)
    assert col(layout, "Q2_1").import_id == "QID2-1"
    assert col(layout, "Q2_1").text == "Click to write the question text-Click to write Statement 1"
    assert col(layout, "matrix_question_five_question_two_TEXT").import_id == "QID4-2-TEXT"
    assert col(layout, "RecipientEmail").import_id == "panel-RecipientEmail"
    rows = rows_of(layout)
    assert len(rows) == 5
    data = dict(zip(layout.keys, rows[1]))
    assert data["Q4_1"] == "12" and data["Q2_1"] == "4"
    assert data["matrix_question_five_question_two_TEXT"].startswith("Accumsan lorem, in accusamus")


def test_qualtrics_legacy_sample_trailing_comma():
    layout = detect(EXTERNAL / "qualtRics_sample_legacy.csv")
    assert (layout.tool, layout.skip_rows, layout.n_rows) == ("qualtrics_legacy", 2, 1)
    assert layout.keys[:3] == ["ResponseID", "ResponseSet", "Name"]  # V1..V3 keyed by row 2
    assert col(layout, "ResponseID").header == "V1"
    assert col(layout, "Q1").text == "This is a multiple choice question."
    assert layout.keys[-1] == "_blank_16"
    (row,) = rows_of(layout)
    data = dict(zip(layout.keys, row))
    assert data["Q1"] == "2" and data["Name"] == "Anonym" and data["_blank_16"] is None


def test_qualtrics_legacy_repeated_tags_are_deduplicated():
    layout = detect(EXTERNAL / "QualtricsTools_Single_Answer_Matrix_Questions_Legacy.csv")
    assert layout.tool == "qualtrics_legacy" and layout.n_rows == 5
    keys = layout.keys
    assert len(set(keys)) == len(keys) == 30
    assert keys.count("question_one") == 1 and "question_one_2" in keys and "question_one_3" in keys
    assert "matrix_question_fivequestion_two_TEXT" in keys and keys[-1] == "_blank_30"
    assert any("question_one" in n and "3 times" in n for n in layout.notes)
    rows = rows_of(layout)
    assert [r[0] for r in rows][:2] == ["R_9H2nlL82R9Yq21v", "R_4MlalJojzHA3Uzj"]
    assert dict(zip(keys, rows[0]))["question_three_3"] == "12"


def test_surveymonkey_steak():
    layout = detect(EXTERNAL / "steak-risk-survey_first41lines.csv")
    assert (layout.tool, layout.skip_rows, layout.n_rows) == ("surveymonkey", 2, 39)
    assert layout.keys[0] == "RespondentID" and layout.keys[2] == "Do you ever smoke cigarettes?"
    lottery = layout.columns[1]
    assert lottery.key.startswith("Consider the following hypothetical situations: <br>In Lottery A")
    assert "<br>" not in lottery.text and "In Lottery A, you have a 50% chance" in lottery.text
    rows = rows_of(layout)
    assert len(rows) == 39
    assert rows[0][:3] == ("3237565956", "Lottery B", None)
    assert rows[1][12] == "$50,000 - $99,999" and rows[1][11] == "> 60"


def test_google_forms_crlf_without_final_newline():
    layout = detect(EXTERNAL / "Hotdog_Survey_Responses_Form_Responses_1.csv")
    assert (layout.tool, layout.skip_rows, layout.n_rows) == ("google_forms", 1, 79)
    assert layout.keys == ["Timestamp", "Are you a full-time undergraduate UVA student?",
                           "What year are you?", "Do you believe a hotdog is a sandwich?"]
    rows = rows_of(layout)
    assert len(rows) == 79
    assert rows[0] == ("1/14/2026 14:54:44", "Yes", "3rd", "No")
    assert rows[-1] == ("1/16/2026 10:59:34", "Yes", "4th", "No")  # no '\r' left on the last cell


def test_limesurvey_codes():
    layout = detect(EXTERNAL / "PLR_tool_AP_results-survey.csv")
    assert (layout.tool, layout.n_rows, len(layout.columns)) == ("limesurvey", 50, 45)
    assert layout.keys[:2] == ["Q00PARTICIPANT", "QMIQ02[QMI01]"] and layout.keys[-1] == "Q08Change"
    rows = rows_of(layout)
    assert len(rows) == 50 and rows[0][:3] == ("S004", "7", "7")
    assert rows[-1][-2:] == ("FORGT", "Y")


def test_utf8_original_is_read_in_place():
    with detect(EXTERNAL / "qualtRics_sample.csv") as layout:
        assert layout.path == EXTERNAL / "qualtRics_sample.csv" and layout.temp_files == []
        assert layout.encoding == "utf-8"


# ---------------------------------------------------------------- generated tool layouts

@pytest.fixture
def build(tmp_path):
    def _build(name: str, *, as_name: str | None = None) -> Path:
        return tx.BUILDERS[name](tmp_path / (as_name or name))
    return _build


def _statement_columns(layout, prefix=""):
    return [c for c in layout.columns if any(s in c.text for s in tx.STATEMENTS)]


def test_ms_forms_xlsx(build):
    layout = detect(build("ms_forms.xlsx"))
    try:
        assert (layout.tool, layout.encoding, layout.n_rows) == ("ms_forms", "xlsx", 3)
        assert layout.keys[:6] == ["ID", "Start time", "Completion time", "Email", "Name",
                                   "Last modified time"]
        rows = rows_of(layout)
        assert rows[0][:4] == ("1", "2024-03-01 09:22:22", "2024-03-01 09:23:57", "anonymous")
        assert rows[0][7] == "Agree" and rows[1][-1] == "Line one\nline two"
        temp = layout.path
        assert temp in layout.temp_files and temp.exists()
    finally:
        layout.cleanup()
    assert not temp.exists()


def test_surveymonkey_xlsx_merged_question(build):
    with detect(build("surveymonkey.xlsx")) as layout:
        assert (layout.tool, layout.skip_rows, layout.n_rows) == ("surveymonkey", 2, 3)
        matrix = _statement_columns(layout)
        q = "How much do you agree with the following statements?"
        assert [c.key for c in matrix] == [f"{q} [{s}]" for s in tx.STATEMENTS]
        assert col(layout, "Which department do you work in?").text == "Which department do you work in?"
        assert layout.keys[-1] == "Any comments?"
        rows = rows_of(layout)
        assert rows[0][0] == "11435567890" and rows[0][10:13] == ("Agree", "Strongly agree", "Disagree")


def test_surveymonkey_csv_matrix_question_filled_forward(build):
    layout = detect(build("surveymonkey.csv"))
    q = "How much do you agree with the following statements?"
    assert layout.tool == "surveymonkey"
    assert [c.text for c in _statement_columns(layout)] == [f"{q} [{s}]" for s in tx.STATEMENTS]
    assert len(rows_of(layout)) == 3


def test_typeform_quoted_with_newline_in_header(build):
    layout = detect(build("typeform.csv"))
    assert (layout.tool, layout.skip_rows, layout.n_rows) == ("typeform", 1, 3)
    assert layout.keys[0] == "#" and layout.keys[-1] == "Network ID"
    assert layout.columns[2].key == "On a scale of 1-5:\n" + tx.STATEMENTS[0]
    assert layout.columns[2].text == "On a scale of 1-5: " + tx.STATEMENTS[0]
    rows = rows_of(layout)
    assert [r[2:5] for r in rows] == [tuple(map(str, a)) for a in tx.ANSWERS]


def test_limesurvey_full_text_semicolon(build):
    layout = detect(build("limesurvey_fulltext.csv"))
    assert (layout.tool, layout.delimiter, layout.n_rows) == ("limesurvey", ";", 3)
    assert layout.keys[:2] == ["Response ID", "Date submitted"]
    assert layout.columns[8].text == f"How well do these statements describe you? [{tx.STATEMENTS[0]}]"
    assert rows_of(layout)[2][8:] == ("Strongly agree", "Agree", "Strongly disagree")


def test_limesurvey_code_and_text_headings(build):
    layout = detect(build("limesurvey_codetext.csv"))
    assert layout.tool == "limesurvey"
    assert layout.keys[:2] == ["id", "submitdate"] and layout.keys[6] == "LVM[SQ001]"
    assert layout.columns[0].text == "Response ID"
    assert layout.columns[6].text == f"Rate yourself [{tx.STATEMENTS[0]}]"
    assert rows_of(layout)[0][6:] == ("AO04", "AO05", "AO02")


def test_qualtrics_legacy_utf16_tsv(build):
    with detect(build("qualtrics_legacy.tsv")) as layout:
        assert (layout.tool, layout.delimiter, layout.encoding) == ("qualtrics_legacy", "\t", "utf-16")
        assert layout.keys[:2] == ["ResponseID", "ResponseSet"] and layout.keys[-1] == "_blank_16"
        assert col(layout, "Q2_1").text == f"Please rate-{tx.STATEMENTS[0]}"
        rows = rows_of(layout)
        assert [r[11:14] for r in rows] == [tuple(map(str, a)) for a in tx.ANSWERS]


def test_qualtrics_utf16_tsv_with_multiline_header_cell(build):
    with detect(build("qualtrics.tsv")) as layout:
        assert (layout.tool, layout.skip_rows, layout.n_rows) == ("qualtrics", 3, 3)
        assert col(layout, "Q1").text == "Which department?"
        assert col(layout, "StartDate").import_id == "startDate"
        assert [r[2] for r in rows_of(layout)] == ["R_0abc", "R_1abc", "R_2abc"]


def test_google_forms_grid(build):
    layout = detect(build("google_forms_grid.csv"))
    assert layout.tool == "google_forms" and layout.keys[1] == "Email Address"
    assert layout.columns[3].text == f"How true is this of you? [{tx.STATEMENTS[0]}]"
    assert rows_of(layout)[2][-3:] == ("5", "4", "1")


def test_cp1252_smart_quotes(build):
    with detect(build("cp1252.csv")) as layout:
        assert (layout.tool, layout.encoding) == ("plain", "cp1252")
        assert layout.keys[1:3] == ["Département", "“Team” name"]
        assert any("Windows-1252" in n for n in layout.notes)
        assert rows_of(layout)[0][1:3] == ("Café", "Ops – North")


def test_utf8_bom(build):
    layout = detect(build("utf8_bom.csv"))
    assert layout.encoding == "utf-8-sig" and layout.keys[0] == "Respondent ID"
    assert rows_of(layout) == [("1", "Zürich", "4", "5", "2")]


def test_tool_override_and_tools_list(build):
    layout = detect(build("google_forms_grid.csv"), tool="plain")
    assert layout.tool == "plain" and set(TOOLS) >= {"plain", "qualtrics", "ms_forms", "typeform"}
    with pytest.raises(ImportProblem, match="Unknown survey tool"):
        detect(build("utf8_bom.csv"), tool="nope")


# ---------------------------------------------------------------- bad input

def write(tmp_path, name, data) -> Path:
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


@pytest.mark.parametrize("data", [b"", b"\r\n \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, data):
    with pytest.raises(ImportProblem, match="is empty"):
        detect(write(tmp_path, "e.csv", data))


def test_header_only(tmp_path):
    with pytest.raises(ImportProblem, match="header but no data rows"):
        detect(write(tmp_path, "h.csv", "Respondent ID,Department,VE_L1\n"))


def test_binary_file(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    with pytest.raises(ImportProblem, match="binary data"):
        detect(write(tmp_path, "image.csv", png))


def test_old_xls_and_pdf_and_plain_zip(tmp_path):
    with pytest.raises(ImportProblem, match=r"old Excel \.xls"):
        detect(write(tmp_path, "a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))
    with pytest.raises(ImportProblem, match="PDF"):
        detect(write(tmp_path, "a.csv", b"%PDF-1.7\n..."))
    import zipfile
    with zipfile.ZipFile(tmp_path / "z.csv", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ImportProblem, match="not a readable Excel workbook"):
        detect(tmp_path / "z.csv")


def test_xlsx_renamed_csv_is_read_as_workbook(build):
    with detect(build("ms_forms.xlsx", as_name="responses.csv")) as layout:
        assert layout.tool == "ms_forms" and layout.n_rows == 3
        assert any("Excel workbook (XLSX) despite its name" in n for n in layout.notes)


def test_ragged_rows(tmp_path):
    text = "id,dept,VE_L1\n1,Sales,4\n2,Sales\n3,Ops,5,extra\n"
    with pytest.raises(ImportProblem, match=r"Row 3 \(line 3\) has 2 fields but the header has 3"):
        detect(write(tmp_path, "r.csv", text))


def test_ragged_row_number_counts_records_not_lines(tmp_path):
    text = 'id,comment,VE_L1\n1,"two\nlines",4\n2,ok,5,extra\n'
    with pytest.raises(ImportProblem, match=r"Row 3 \(line 4\) has 4 fields"):
        detect(write(tmp_path, "r.csv", text))


def test_duplicate_column_names(tmp_path):
    layout = detect(write(tmp_path, "d.csv", "id,Team,Team,,Team\n1,a,b,c,d\n"))
    assert layout.keys == ["id", "Team", "Team_2", "_blank_4", "Team_3"]
    assert any("'Team' appears 3 times" in n for n in layout.notes)
    assert rows_of(layout) == [("1", "a", "b", "c", "d")]


def test_too_many_columns(tmp_path):
    wide = ",".join(f"c{i}" for i in range(10_000))
    with pytest.raises(ImportProblem, match=f"10000 columns; at most {MAX_COLUMNS}"):
        detect(write(tmp_path, "w.csv", wide + "\n" + ",".join("1" * 10_000) + "\n"))
    ok = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    layout = detect(write(tmp_path, "ok.csv", ok + "\n" + ",".join("1" * MAX_COLUMNS) + "\n"))
    assert len(rows_of(layout)[0]) == MAX_COLUMNS


def test_file_over_max_bytes(tmp_path):
    p = write(tmp_path, "big.csv", "id,VE_L1\n" + "1,4\n" * 1000)
    with pytest.raises(ImportProblem, match=r"big\.csv is 0\.0 MB; the limit is 0\.0 MB"):
        detect(p, max_bytes=100)
    with pytest.raises(ImportProblem, match="upload.csv"):
        detect(p, max_bytes=100, original_name="upload.csv")
    assert detect(p, max_bytes=10_000).n_rows == 1000


# ---------------------------------------------------------------- the read_csv guarantee

def test_skip_counts_records_with_quoted_newlines_in_headers(tmp_path):
    """DuckDB's skip must count CSV records: a Qualtrics row 2 with line breaks stays one record."""
    head = ('Q1,Q2,Q3\n"Line\nbreak","a, ""quoted""\r\nvalue",c\n'
            '"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}","{""ImportId"":""QID3""}"\n')
    body = "".join(f'{i},"multi\nline {i}",x\n' for i in range(3000))
    layout = detect(write(tmp_path, "q.csv", head + body))
    assert layout.tool == "qualtrics" and layout.skip_rows == 3
    rows = rows_of(layout)
    assert len(rows) == 3000 and rows[0] == ("0", "multi\nline 0", "x") and rows[-1][0] == "2999"


@pytest.mark.parametrize("delim", [",", ";", "\t"])
def test_delimiters_and_empty_fields(tmp_path, delim):
    text = delim.join(["id", "Department", "VE_L1"]) + "\n" + delim.join(["1", "", "4"]) + "\n\n"
    layout = detect(write(tmp_path, "x.csv", text))
    assert layout.delimiter == delim and rows_of(layout) == [("1", None, "4")]


def test_fragment_is_fixed_and_values_are_parameters(tmp_path):
    layout = detect(write(tmp_path, "x'; DROP TABLE t; --.csv", "id,VE_L1\n1,4\n2,5\n"))
    fragment, params = layout.read_csv_sql()
    assert "DROP" not in fragment and fragment.count("?") == len(params) == 5
    assert params[0] == str(layout.path) and params[4] == {"id": "VARCHAR", "VE_L1": "VARCHAR"}
    assert rows_of(layout) == [("1", "4"), ("2", "5")]


# ---------------------------------------------------------------- workbook edge cases

def _workbook(path: Path, rows: list[list], extra_sheet: bool = False) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    if extra_sheet:
        wb.create_sheet("Notes").append(["not data"])
    wb.save(path)
    return path


def test_workbook_empty_and_header_only(tmp_path):
    with pytest.raises(ImportProblem, match="is empty"):
        detect(_workbook(tmp_path / "e.xlsx", []))
    with pytest.raises(ImportProblem, match="header but no data rows"):
        detect(_workbook(tmp_path / "h.xlsx", [["ID", "VE_L1"]]))


def test_workbook_wider_data_row_and_blank_rows(tmp_path):
    rows = [["ID", "VE_L1"], [1, 4.0], [None, None], [2, 5, "note beyond the header"], [3, 2.5]]
    with detect(_workbook(tmp_path / "w.xlsx", rows, extra_sheet=True)) as layout:
        assert layout.keys == ["ID", "VE_L1", "_blank_3"]
        assert rows_of(layout) == [("1", "4", None), ("2", "5", "note beyond the header"), ("3", "2.5", None)]
        assert any("2 sheets" in n for n in layout.notes)


def test_plain_file_with_respondent_id_and_a_blank_id_is_not_surveymonkey(tmp_path):
    layout = detect(write(tmp_path, "p.csv", "Respondent ID,Department,VE_L1\n,Sales,4\n2,Ops,5\n"))
    assert layout.tool == "plain" and layout.n_rows == 2
