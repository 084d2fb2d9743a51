"""Every survey tool's layout, end to end through the import, and every kind of bad file."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import tool_exports  # noqa: E402

from lvm_data import ingest, store  # noqa: E402
from lvm_data.formats import ImportProblem  # noqa: E402
from lvm_data.instrument import load_codebook  # noqa: E402

BOOK = Path(__file__).parent / "fixtures" / "codebooks" / "three_statements.csv"
BUILDERS = {
    "ms_forms.xlsx": (tool_exports.ms_forms_xlsx, "ms_forms"),
    "surveymonkey.xlsx": (tool_exports.surveymonkey_xlsx, "surveymonkey"),
    "surveymonkey.csv": (tool_exports.surveymonkey_csv, "surveymonkey"),
    "typeform.csv": (tool_exports.typeform_csv, "typeform"),
    "limesurvey_semicolon.csv": (tool_exports.limesurvey_fulltext_semicolon, "limesurvey"),
    "limesurvey_codes.csv": (tool_exports.limesurvey_code_text, "limesurvey"),
    "qualtrics_legacy.tsv": (tool_exports.qualtrics_legacy_tsv, "qualtrics_legacy"),
    "qualtrics.tsv": (tool_exports.qualtrics_tsv, "qualtrics"),
    "google_forms.csv": (tool_exports.google_forms_grid, "google_forms"),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_tool_layout_imports_with_the_same_scores(name, tmp_path, con, min_group):
    """Three respondents answer (4, 5, 2), (3, 3, 4), (5, 4, 1) to two vision items and one
    execution item: L = 4.5, 3, 4.5 (mean 4); M = 2, 4, 1 (mean 7/3);
    orientation = 100 (L - M) / 4 = 62.5, -25, 87.5 (mean 41.6667)."""
    min_group(2)
    build, tool = BUILDERS[name]
    path = build(tmp_path / name)
    summary = ingest.import_file(con, path, ingest.Options(
        wave="w", codebook=load_codebook(BOOK), include_partial=True))
    assert summary.report.tool == tool
    row = store.group_scores(con.cursor(), min_group_size=2).table.iloc[0]
    assert row["n"] == 3
    assert row["leadership"] == pytest.approx(4.0)
    assert row["management"] == pytest.approx(7 / 3)
    assert row["orientation"] == pytest.approx(125 / 3)


def test_dry_run_report_lists_everything_and_writes_nothing(tmp_path, con):
    path = tool_exports.surveymonkey_xlsx(tmp_path / "sm.xlsx")
    report = ingest.import_file(con, path, ingest.Options(codebook=load_codebook(BOOK)),
                                dry_run=True)
    assert report.rows_read == 3 and report.rows_importable == 3
    assert {"IP Address", "Email Address", "First Name", "Last Name"} <= set(
        report.personal_columns)
    assert any(m.kind == "item" and m.target == "VE_M1" for m in report.matches)
    assert store.waves(con.cursor()).empty


def test_unfinished_responses_are_excluded_by_default(tmp_path, con, min_group):
    """The Qualtrics TSV's third respondent has Finished = 0."""
    min_group(2)
    path = tool_exports.qualtrics_tsv(tmp_path / "q.tsv")
    summary = ingest.import_file(con, path, ingest.Options(wave="w", codebook=load_codebook(BOOK)))
    assert summary.report.problems == {"unfinished": 1}
    assert summary.waves == [("w", 2)]


BAD = {
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "header only": (lambda p: p.write_text("Respondent ID,VE_L1\n"), "no responses|no data"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 40), "binary|not a text"),
    "ragged": (lambda p: p.write_text("Respondent ID,Department,VE_L1\na,X,4\nb,Y\n"),
               "fields"),
    "no items": (lambda p: p.write_text("Respondent ID,Department,Colour\na,X,red\n"),
                 "none of the file's columns"),
    "too wide": (lambda p: p.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" +
                                        ",".join("1" for _ in range(10_000)) + "\n"),
                 "columns"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_get_a_clear_message_and_change_nothing(case, tmp_path, con):
    good = tool_exports.utf8_bom_csv(tmp_path / "good.csv")
    ingest.import_file(con, good, ingest.Options(wave="kept", codebook=load_codebook(BOOK)))
    before = store.waves(con.cursor())[["wave", "respondents"]].values.tolist()
    make, message = BAD[case]
    path = tmp_path / f"bad_{case.replace(' ', '_')}.csv"
    make(path)
    with pytest.raises(ImportProblem, match=f"(?i){message}"):
        ingest.import_file(con, path, ingest.Options(wave="new"))
    assert store.waves(con.cursor())[["wave", "respondents"]].values.tolist() == before


def test_file_over_the_size_limit(tmp_path, con):
    path = tool_exports.utf8_bom_csv(tmp_path / "big.csv")
    with pytest.raises(ImportProblem, match="(?i)limit|too large|over"):
        ingest.import_file(con, path, ingest.Options(max_bytes=10))


def test_xlsx_renamed_csv_still_imports(tmp_path, con, min_group):
    min_group(2)
    path = tool_exports.ms_forms_xlsx(tmp_path / "forms.xlsx").rename(tmp_path / "forms.csv")
    summary = ingest.import_file(con, path, ingest.Options(wave="w",
                                                           codebook=load_codebook(BOOK)))
    assert summary.waves == [("w", 3)]


def test_limesurvey_blank_submit_date_is_unfinished(tmp_path, con, min_group):
    min_group(2)
    path = tmp_path / "results-survey123.csv"
    stmts = [s for s in tool_exports.STATEMENTS]
    lines = ['"id. Response ID";"submitdate. Date submitted";' +
             ";".join(f'"G01Q01[SQ00{i}]. Rate [{s}]"' for i, s in enumerate(stmts, 1))]
    lines += ['1;"2024-01-01 10:00:00";4;5;2', '2;"2024-01-01 11:00:00";3;3;4', '3;;5;4;1']
    path.write_text("\n".join(lines) + "\n")
    summary = ingest.import_file(con, path, ingest.Options(wave="w", codebook=load_codebook(BOOK)))
    assert summary.report.tool == "limesurvey"
    assert summary.report.problems == {"unfinished": 1}
    assert summary.waves == [("w", 2)]


def test_ragged_row_beyond_the_quick_check_is_reported_with_its_line(tmp_path, con):
    from lvm_data import textfile
    lines = tool_exports.utf8_bom_csv(tmp_path / "ok.csv").read_text(encoding="utf-8-sig")
    header, row = lines.splitlines()[0], lines.splitlines()[1]
    rows = [row] * (textfile.CHECKED_ROWS + 10)
    rows[-3] = row.rsplit(",", 1)[0]                   # one field short, past the quick check
    path = tmp_path / "long.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    bad_line = 1 + len(rows) - 2
    with pytest.raises(ImportProblem, match=f"line {bad_line} has"):
        ingest.import_file(con, path, ingest.Options(codebook=load_codebook(BOOK)))
    assert store.waves(con.cursor()).empty


def test_surveymonkey_blank_last_question_is_not_unfinished(tmp_path, con, min_group):
    """SurveyMonkey marks no 'finished' flag, so a blank last question is no reason to drop
    anyone: the respondent is imported and counts by the pole rule like everyone else."""
    min_group(2)
    path = tool_exports.surveymonkey_csv(tmp_path / "sm.csv")
    lines = path.read_text().splitlines()
    lines.append(lines[-1].rsplit(",", 1)[0].replace(lines[-1].split(",")[0], "999", 1) + ",")
    path.write_text("\n".join(lines) + "\n")
    report = ingest.import_file(con, path, ingest.Options(codebook=load_codebook(BOOK)),
                                dry_run=True)
    assert report.problems == {} and report.rows_importable == 4
    kept = ingest.import_file(con, path, ingest.Options(wave="w", codebook=load_codebook(BOOK)))
    assert kept.waves == [("w", 4)]


def test_typeform_blank_submit_date_is_unfinished(tmp_path, con, min_group):
    """Typeform says so itself: a partial response, included in the download, has no Submit
    Date (UTC)."""
    min_group(2)
    path = tool_exports.typeform_csv(tmp_path / "typeform.csv")
    lines = path.read_text().splitlines()
    cells = lines[-1].split('","')
    cells[-2] = ""                                   # the last respondent's Submit Date
    lines[-1] = '","'.join(cells)
    path.write_text("\n".join(lines) + "\n")
    report = ingest.import_file(con, path, ingest.Options(codebook=load_codebook(BOOK)),
                                dry_run=True)
    assert report.problems == {"unfinished": 1}
