"""Recognise a survey export file and describe how DuckDB should read its data rows.

``detect`` looks at the bytes (encoding, XLSX, binary), the delimiter and the header
records, decides which tool wrote the file and returns a :class:`Layout`. The layout's
``read_csv_sql`` gives the one way the import pipeline reads the data, so every quirk
(BOM, UTF-16, cp1252, header rows with quoted newlines, XLSX) is handled here.

DuckDB 2.0's ``skip`` counts CSV *records* (a quoted newline inside a header cell does not
end the record); ``tests/test_formats.py`` checks this, so header records are never rewritten.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .export_tools import TOOLS, build_columns, detect_tool
from .import_types import MAX_COLUMNS, Column, ImportProblem
from .limits import Limits, check_shape, load_limits
from .textfile import DELIMITER_NAMES, check_text, count_data_rows, read_records, \
    sniff_delimiter, sniff_encoding, transcode
from .xlsx import OLE_MAGIC, ZIP_MAGIC, xlsx_to_csv

__all__ = ["ImportProblem", "Column", "Layout", "TOOLS", "MAX_COLUMNS", "MAX_LINE_BYTES", "detect"]

MAX_LINE_BYTES = 64 * 1024 * 1024  # DuckDB's default (2 MB) is too small for long free-text rows
# DuckDB otherwise sizes its read buffer at twice the longest line allowed (128 MB), so a file
# under that is parsed by one thread: the read took 1.7x as long on two cores (bench_core).
BUFFER_BYTES = MAX_LINE_BYTES
HEAD_BYTES = 64 * 1024

# Every option is explicit so DuckDB never guesses: no type or header sniffing, RFC 4180 quotes,
# a row of the wrong width is an error (detect already reported it readably), empty field = NULL.
READ_CSV = ("read_csv(?, delim = ?, skip = ?, header = false, quote = '\"', escape = '\"', "
            "auto_detect = false, null_padding = false, strict_mode = true, encoding = 'utf-8', "
            f"max_line_size = ?, buffer_size = {int(BUFFER_BYTES)}, columns = ?)")


@dataclass
class Layout:
    """How to read one export: a UTF-8 CSV path, delimiter, header records to skip, columns."""
    tool: str
    path: Path
    delimiter: str
    skip_rows: int
    columns: list[Column]
    encoding: str
    temp_files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    n_rows: int = 0          # data rows, counted up to textfile.CHECKED_ROWS
    source: Path | None = None

    def read_csv_sql(self) -> tuple[str, list]:
        """``(fragment, params)``: ``SELECT * FROM <fragment>`` yields the data rows, all VARCHAR,
        column i named ``columns[i].key``; empty fields are NULL."""
        names = {c.key: "VARCHAR" for c in self.columns}
        return READ_CSV, [str(self.path), self.delimiter, self.skip_rows, MAX_LINE_BYTES, names]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def cleanup(self) -> None:
        """Delete temporary copies (transcoded or converted from XLSX); safe to call twice."""
        for p in self.temp_files:
            Path(p).unlink(missing_ok=True)
        self.temp_files.clear()

    def __enter__(self) -> Layout:
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()


def describe(layout: Layout) -> str:
    """The layout in words, for the preview: header rows and separator."""
    headers = layout.skip_rows
    rows = f"{headers} header row{'s' * (headers != 1)}"
    sep = DELIMITER_NAMES.get(layout.delimiter, repr(layout.delimiter))
    return f"{rows}, {sep}-separated" + (", from an Excel workbook"
                                            if layout.encoding == "xlsx" else "")


def _head(path: Path, name: str, max_bytes: int | None) -> bytes:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise ImportProblem(f"{name} cannot be opened ({exc.strerror or exc}).") from exc
    if max_bytes is not None and size > max_bytes:
        raise ImportProblem(f"{name} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.")
    if size == 0:
        raise ImportProblem(f"{name} is empty.")
    return head


def _binary_kind(head: bytes, name: str) -> None:
    if head.startswith(OLE_MAGIC):
        raise ImportProblem(f"{name} is an old Excel .xls workbook; save it as .xlsx or CSV and upload again.")
    if head.startswith(b"%PDF"):
        raise ImportProblem(f"{name} is a PDF document, not a survey export (CSV or XLSX).")


def _as_text(path: Path, head: bytes, name: str, temps: list[Path], notes: list[str]):
    """(UTF-8 path, encoding of the original) for a delimited text file."""
    encoding = sniff_encoding(path, head, name)
    if encoding in ("utf-8", "utf-8-sig"):
        check_text(head.decode("utf-8", errors="ignore").lstrip("\ufeff"), name)
        return path, encoding
    text_path = transcode(path, encoding)
    temps.append(text_path)
    with open(text_path, encoding="utf-8") as fh:
        check_text(fh.read(HEAD_BYTES), name)
    if encoding in ("cp1252", "latin-1"):
        notes.append(f"The file is not UTF-8; it was read as {'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}.")
    return text_path, encoding


def _as_workbook(path: Path, name: str, temps: list[Path], notes: list[str],
                 limits: Limits) -> Path:
    csv_path, sheet_notes = xlsx_to_csv(path, name, limits)
    temps.append(csv_path)
    notes.extend(sheet_notes)
    if not name.lower().endswith((".xlsx", ".xlsm")):
        notes.append(f"{name} is an Excel workbook (XLSX) despite its name; it was read as a workbook.")
    return csv_path


def _estimated_rows(path: Path) -> int:
    """Rows from the file size and the line length of its first 64 KB: cheap, before reading."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    return int(size * max(head.count(b"\n"), 1) / max(len(head), 1))


def _layout(text_path, encoding, tool, name, temps, notes, limits: Limits) -> Layout:
    delimiter = "," if encoding == "xlsx" else sniff_delimiter(text_path)
    records = read_records(text_path, delimiter, 3)
    if not records:
        raise ImportProblem(f"{name} is empty.")
    check_shape(name, 0, len(records[0]), limits)
    rows = _estimated_rows(text_path)
    if rows > 1.25 * limits.max_rows or rows * len(records[0]) > 1.25 * limits.max_cells:
        check_shape(name, rows, len(records[0]), limits, about=True)
    tool = tool or detect_tool(records)
    columns, skip, col_notes = build_columns(tool, records)
    notes.extend(col_notes)
    n_rows = count_data_rows(text_path, delimiter, skip, len(columns))
    if n_rows == 0:
        raise ImportProblem(f"{name} has a header but no data rows (no responses).")
    if delimiter != ",":
        notes.append(f"Columns are separated by {DELIMITER_NAMES[delimiter]}s.")
    return Layout(tool, text_path, delimiter, skip, columns, encoding, temps, notes, n_rows)


def detect(path, tool: str | None = None, *, original_name: str | None = None,
           max_bytes: int | None = None, limits: Limits | None = None) -> Layout:
    """Describe ``path`` (CSV/TSV/XLSX). ``tool`` forces a layout (a key of TOOLS);
    ``original_name`` is the uploaded file's name, used in messages and for the extension."""
    path = Path(path)
    name = original_name or path.name
    limits = limits or load_limits()
    max_bytes = min(max_bytes or limits.max_file_bytes, limits.max_file_bytes)
    if tool is not None and tool not in TOOLS:
        raise ImportProblem(f"Unknown survey tool {tool!r}; choose one of {', '.join(TOOLS)}.")
    head = _head(path, name, max_bytes)
    _binary_kind(head, name)
    temps: list[Path] = []
    notes: list[str] = []
    try:
        if head.startswith(ZIP_MAGIC):
            text_path, encoding = _as_workbook(path, name, temps, notes, limits), "xlsx"
        else:
            text_path, encoding = _as_text(path, head, name, temps, notes)
        layout = _layout(text_path, encoding, tool, name, temps, notes, limits)
    except BaseException:
        for p in temps:
            p.unlink(missing_ok=True)
        raise
    layout.source = path
    return layout
