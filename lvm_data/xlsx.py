"""Excel workbooks (Microsoft Forms, SurveyMonkey, Google Sheets downloads) to UTF-8 CSV.

python-calamine (Rust) reads a sheet many times faster than openpyxl (``bench/bench_xlsx.py``
measures both) and never evaluates a formula or runs a macro. The ZIP directory is checked
against the limits first, so a decompression bomb is refused before anything is inflated.
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

from .import_types import ImportProblem
from .limits import Limits, check_shape
from .textfile import temp_path

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other old Office files)
BOMB_FLOOR = 8 * 1024 * 1024     # small workbooks may inflate a lot; only big ones matter


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
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _last_filled(row: tuple) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i] is not None and str(row[i]).strip() != "":
            return i + 1
    return 0


def check_archive(path: Path, name: str, limits: Limits) -> None:
    """Refuse a decompression bomb from the ZIP directory alone, before inflating anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportProblem(f"{name} is a ZIP archive but not a readable Excel workbook "
                            f"({exc}).") from exc
    inflated = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if inflated > limits.max_uncompressed_bytes:
        raise ImportProblem(f"{name} inflates to {inflated / 2**20:,.0f} MB; the limit is "
                            f"{limits.max_uncompressed_mb:,.0f} MB "
                            "(limits.max_uncompressed_mb in the settings file).")
    if inflated > BOMB_FLOOR and inflated / packed > limits.max_compression_ratio:
        raise ImportProblem(f"{name} inflates {inflated / packed:,.0f} times its size; real "
                            f"workbooks inflate far less (limit {limits.max_compression_ratio:g}), "
                            "so it is refused as a likely decompression bomb.")


def _open(path: Path, name: str):
    """calamine (Rust) reads cached cell values only: no formula is evaluated, no macro run."""
    from python_calamine import CalamineWorkbook  # imported lazily: only workbooks need it
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise ImportProblem(f"{name} is a ZIP archive but not a readable Excel workbook "
                            f"({str(exc)[:200]}).") from exc


def _sheet(wb, name: str, notes: list[str]):
    """The first visible worksheet (chart sheets and hidden sheets are skipped)."""
    sheets = [m for m in wb.sheets_metadata
              if "work" in str(m.typ).lower() and str(m.visible).lower().endswith("visible")
              and "hidden" not in str(m.visible).lower()]
    if not sheets:
        raise ImportProblem("The workbook has no sheets.")
    if len(wb.sheet_names) > 1:
        notes.append(f"The workbook has {len(wb.sheet_names)} sheets; only the sheet "
                     f"{sheets[0].name!r} was read.")
    try:
        return wb.get_sheet_by_name(sheets[0].name)
    except Exception as exc:  # noqa: BLE001
        raise ImportProblem(f"{name}: the sheet {sheets[0].name!r} cannot be read "
                            f"({str(exc)[:200]}).") from exc


def xlsx_to_csv(path: Path, name: str, limits: Limits | None = None) -> tuple[Path, list[str]]:
    """Convert the first visible sheet to a temporary UTF-8 CSV; returns (csv path, notes)."""
    limits = limits or Limits()
    check_archive(path, name, limits)
    notes: list[str] = []
    wb = _open(path, name)
    try:
        return _write(_sheet(wb, name, notes), name, limits), notes
    finally:
        wb.close()


def _rows(ws, name: str, limits: Limits):
    """Non-empty rows (formatted but empty rows are common in workbooks), shape-checked."""
    count = 0
    for row in ws.iter_rows():
        row = tuple(row)
        filled = _last_filled(row)
        if filled > limits.max_columns:
            check_shape(name, count, filled, limits)
        if filled:
            count += 1
            if count > limits.max_rows or count * filled > limits.max_cells:
                check_shape(name, count, filled, limits, at_least=True)
            yield row, filled


def _write(ws, name: str, limits: Limits) -> Path:
    """One streaming pass: rows are padded to the header width (the widest of the first
    three rows); only if a later row is wider is the CSV rewritten, padded to that width."""
    out = temp_path()
    try:
        rows = _rows(ws, name, limits)
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
