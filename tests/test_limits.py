"""Hostile uploads cost little: every limit is checked before the work it guards.

"Before the work" is tested directly, not with a stopwatch: the workbook reader or the
database is made to fail if it is reached at all.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import write_plain
from lvm_data import formats, ingest, store, xlsx
from lvm_data.import_types import ImportProblem
from lvm_data.instrument import load_default
from lvm_data.limits import Limits, load_limits
from lvm_data.settings import SettingsError

ITEMS = [i.id for i in load_default().items]
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
              '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


def _bomb(path: Path, rows: int = 300_000) -> Path:
    """A valid-looking XLSX whose one sheet holds ``rows`` identical rows: a few hundred KB
    on disk, tens of MB once inflated (the issue's 648 KB, 300,000-row file)."""
    from openpyxl import Workbook
    template = path.with_suffix(".template.xlsx")
    Workbook().save(template)
    row = "<row>" + "<c><v>3</v></c>" * 12 + "</row>"
    with zipfile.ZipFile(template) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, SHEET_HEAD + row * rows + "</sheetData></worksheet>")
            else:
                dst.writestr(info, src.read(info))
    return path


@pytest.fixture
def no_reader(monkeypatch):
    """The workbook reader must not be reached."""
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")
    monkeypatch.setattr(xlsx, "_open", refuse)


def test_a_decompression_bomb_is_refused_from_the_zip_directory(tmp_path, no_reader):
    bomb = _bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(ImportProblem, match="likely decompression bomb"):
        formats.detect(bomb)


def test_the_inflated_size_limit(tmp_path, no_reader):
    bomb = _bomb(tmp_path / "big.xlsx", rows=60_000)
    with pytest.raises(ImportProblem, match=r"inflates to \d+ MB; the limit is 5 MB"):
        formats.detect(bomb, limits=Limits(max_uncompressed_mb=5, max_compression_ratio=10**6))


def test_workbook_rows_are_counted_while_reading(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["ID", *ITEMS])
    for i in range(30):
        wb.active.append([f"r{i}", *([3] * len(ITEMS))])
    wb.save(tmp_path / "w.xlsx")
    with pytest.raises(ImportProblem, match="at least 21 rows; the limit is 20"):
        formats.detect(tmp_path / "w.xlsx", limits=Limits(max_rows=20))
    with pytest.raises(ImportProblem, match="cells; the limit is 500"):
        formats.detect(tmp_path / "w.xlsx", limits=Limits(max_cells=500))


def test_formulas_are_not_evaluated(tmp_path):
    """A formula with no cached result stays empty: nothing in an upload is computed."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["ID", "Note"])
    wb.active.append(["r1", "=2+2"])
    wb.active.append(["r2", '=WEBSERVICE("http://127.0.0.1:9/")'])
    wb.save(tmp_path / "f.xlsx")
    with formats.detect(tmp_path / "f.xlsx") as layout:
        text = layout.path.read_text()
    assert "4" not in text.split("\n", 1)[1] and "127.0.0.1" not in text


def _rows_file(path: Path, n: int) -> Path:
    rows = [{"Respondent ID": f"r{i}", "Department": "D", **{item: 3 for item in ITEMS}}
            for i in range(n)]
    return write_plain(path, rows)


def test_too_many_csv_rows_are_refused_before_the_file_is_read(tmp_path, con, monkeypatch):
    path = _rows_file(tmp_path / "rows.csv", 3000)

    def no_stage(*args, **kwargs):
        raise AssertionError("the file was read into the database")
    monkeypatch.setattr(ingest.staging, "stage", no_stage)
    with pytest.raises(ImportProblem, match=r"about [\d,]+ rows; the limit is 1,000"):
        ingest.import_file(con, path, ingest.Options(limits=Limits(max_rows=1000)))


def test_the_exact_row_count_is_checked_before_anything_is_written(tmp_path, con):
    path = _rows_file(tmp_path / "rows.csv", 1100)          # estimate passes, count does not
    with pytest.raises(ImportProblem, match="1,100 rows; the limit is 1,000"):
        ingest.import_file(con, path, ingest.Options(limits=Limits(max_rows=1000)))
    assert store.waves(con.cursor()).empty


def test_the_preview_reads_a_bounded_sample(tmp_path, con):
    path = _rows_file(tmp_path / "rows.csv", 500)
    report = ingest.import_file(con, path, ingest.Options(preview_rows=120), dry_run=True)
    assert (report.rows_read, report.partial) == (120, True)
    assert any("first 120 responses only" in n for n in report.notes)
    full = ingest.import_file(con, path, ingest.Options(), dry_run=True)
    assert (full.rows_read, full.partial) == (500, False)


def test_limits_come_from_the_settings_file(_isolated_settings):
    _isolated_settings.write_text("min_group_size = 5\n[limits]\nmax_rows = 50\n"
                                  "max_file_mb = 1.5\n")
    limits = load_limits()
    assert (limits.max_rows, limits.max_file_bytes, limits.max_columns) == (50, 1572864, 2000)
    _isolated_settings.write_text("[limits]\nmax_rowz = 5\n")
    with pytest.raises(SettingsError, match="unknown limit 'max_rowz'"):
        load_limits()
    _isolated_settings.write_text("[limits]\nmax_rows = -1\n")
    with pytest.raises(SettingsError, match="positive number"):
        load_limits()


def test_the_file_size_limit_applies_to_the_command_line_too(tmp_path):
    path = _rows_file(tmp_path / "rows.csv", 2000)
    with pytest.raises(ImportProblem, match="MB; the limit is 0.1 MB"):
        formats.detect(path, limits=Limits(max_file_mb=0.1 / 1.048576))
