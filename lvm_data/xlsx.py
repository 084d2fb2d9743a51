"""Excel workbooks (Microsoft Forms, SurveyMonkey, Google Sheets downloads) to UTF-8 CSV.

openpyxl's read-only mode streams the sheet, so big workbooks do not sit in memory.
Merged header cells (SurveyMonkey's question over its matrix rows) come out as one value
followed by empty cells; the format layer fills them forward.
"""
from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
import zipfile
from pathlib import Path

from .import_types import MAX_COLUMNS, ImportProblem
from .textfile import temp_path

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other old Office files)


def cell_text(value) -> str:
    """Cell value as the text a CSV export would hold (integers without '.0', ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _last_filled(row: tuple) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i] is not None and str(row[i]).strip() != "":
            return i + 1
    return 0


def _open(fh, name: str):
    """Open from a file object: openpyxl refuses paths whose extension is not .xlsx."""
    import openpyxl  # imported lazily: only workbook uploads need it
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        return openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
        raise ImportProblem(f"{name} is a ZIP archive but not a readable Excel workbook ({exc}).") from exc


def _sheet(wb, notes: list[str]):
    sheets = wb.worksheets
    if not sheets:
        raise ImportProblem("The workbook has no sheets.")
    ws = wb.active if wb.active is not None else sheets[0]
    if len(sheets) > 1:
        notes.append(f"The workbook has {len(sheets)} sheets; only the sheet {ws.title!r} was read.")
    return ws


def xlsx_to_csv(path: Path, name: str) -> tuple[Path, list[str]]:
    """Convert the active sheet to a temporary UTF-8 CSV; returns (csv path, notes)."""
    notes: list[str] = []
    with open(path, "rb") as fh:
        return _convert(_open(fh, name), name, notes), notes


def _convert(wb, name: str, notes: list[str]) -> Path:
    try:
        return _write(_sheet(wb, notes), name)
    finally:
        wb.close()


def _rows(ws, name: str):
    """Non-empty rows (formatted but empty rows are common in workbooks), width-checked."""
    for row in ws.iter_rows(values_only=True):
        filled = _last_filled(row)
        if filled > MAX_COLUMNS:
            raise ImportProblem(f"{name} has more than {MAX_COLUMNS} columns; at most "
                                f"{MAX_COLUMNS} are supported.")
        if filled:
            yield row, filled


def _write(ws, name: str) -> Path:
    """One streaming pass: rows are padded to the header width (the widest of the first
    three rows); only if a later row is wider is the CSV rewritten, padded to that width."""
    out = temp_path()
    try:
        rows = _rows(ws, name)
        head = [r for _, r in zip(range(3), rows)]
        width = widest = max((f for _, f in head), default=0)
        with open(out, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for row, filled in itertools.chain(head, rows):
                n = max(width, filled)
                widest = max(widest, n)
                cells = [cell_text(v) for v in row[:n]]
                writer.writerow(cells + [""] * (n - len(cells)))
        if widest > width:
            _pad(out, widest)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out


def _pad(path: Path, width: int) -> None:
    tmp = path.with_suffix(".pad.csv")
    with open(path, encoding="utf-8", newline="") as src, \
            open(tmp, "w", encoding="utf-8", newline="") as dst:
        writer = csv.writer(dst, lineterminator="\n")
        for row in csv.reader(src):
            writer.writerow(row + [""] * (width - len(row)))
    os.replace(tmp, path)
