"""Low-level reading of delimited text exports: encoding, delimiter, records, shape checks.

DuckDB reads only UTF-8, so anything else is transcoded to a temporary UTF-8 copy first.
Python's ``csv`` module is used to look at the header records and to check every row's
field count, because DuckDB's own errors are not readable for survey owners.
"""
from __future__ import annotations

import codecs
import csv
from pathlib import Path

from .import_types import ImportProblem
from .tempfiles import new_temp_file

CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_FIELD_LIMIT = 64 * 1024 * 1024


def _allow_big_fields() -> None:
    """Free-text answers can exceed csv's default 128 KB field limit."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL in every other byte for ASCII characters."""
    sample = head[: 4096 - (len(head[:4096]) % 2)]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decodes(path: Path, encoding: str) -> bool:
    try:
        with open(path, encoding=encoding, newline="") as fh:
            while fh.read(CHUNK):
                pass
    except UnicodeDecodeError:
        return False
    return True


def sniff_encoding(path: Path, head: bytes, name: str) -> str:
    """Encoding of a text export: BOM first, then UTF-8, then the Windows code page."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        guess = _utf16_without_bom(head)
        if guess:
            return guess
        raise ImportProblem(f"{name} contains binary data (NUL bytes); it is not a CSV or Excel export.")
    if _is_utf8(path):
        return "utf-8"
    return "cp1252" if _decodes(path, "cp1252") else "latin-1"


def check_text(sample: str, name: str) -> None:
    """Reject files that decode but are full of control characters (images, archives...)."""
    if not sample.strip():
        raise ImportProblem(f"{name} is empty.")
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if bad > max(2, len(sample) // 100):
        raise ImportProblem(f"{name} does not look like a text file (it holds binary control characters).")


def temp_path(suffix: str = ".csv") -> Path:
    return new_temp_file("lvm_import", suffix)


def transcode(path: Path, encoding: str) -> Path:
    """Stream a copy of ``path`` re-encoded as UTF-8 (no BOM), keeping line endings."""
    out = temp_path()
    try:
        with open(path, encoding=encoding, newline="") as src, \
                open(out, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(CHUNK):
                dst.write(chunk)
    except (UnicodeError, OSError):
        out.unlink(missing_ok=True)
        raise
    return out


def _open_text(path: Path):
    return open(path, encoding="utf-8-sig", newline="")


def read_records(path: Path, delimiter: str, count: int) -> list[list[str]]:
    """The first ``count`` non-blank records (quoted newlines kept inside their cell)."""
    _allow_big_fields()
    records: list[list[str]] = []
    with _open_text(path) as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True)
        try:
            for row in reader:
                if row:
                    records.append(row)
                if len(records) >= count:
                    break
        except csv.Error as exc:
            raise ImportProblem(f"Line {reader.line_num} cannot be read as CSV ({exc}).") from exc
    return records


def _delimiter_score(records: list[list[str]]) -> tuple[int, int]:
    """(all sampled records have the header's width, header width)."""
    if not records or len(records[0]) < 2:
        return (0, 0)
    width = len(records[0])
    consistent = all(len(r) == width for r in records[1:])
    return (int(consistent), width)


def sniff_delimiter(path: Path) -> str:
    """Comma, semicolon, tab or pipe: the one that splits the first records most consistently."""
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        try:
            score = _delimiter_score(read_records(path, delim, 20))
        except ImportProblem:
            continue
        if score > best_score:
            best, best_score = delim, score
    return best


CHECKED_ROWS = 50_000


def count_data_rows(path: Path, delimiter: str, skip: int, width: int,
                    limit: int | None = CHECKED_ROWS) -> int:
    """Data records after ``skip`` header records (up to ``limit``, for speed on big files);
    a row of the wrong width is an ImportProblem with a readable message.

    Strict quoting here matches DuckDB's strict mode, so a file that passes is one DuckDB
    reads; past ``limit`` DuckDB's own strict read reports a bad row with its line number.
    """
    _allow_big_fields()
    rows = record = 0
    with _open_text(path) as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
        try:
            for row in reader:
                if not row:
                    if width > 1:
                        continue  # DuckDB skips blank lines too
                    row = [""]  # ...except in a one-column file, where it is an empty answer
                record += 1
                if record > skip:
                    _check_width(row, record, reader.line_num, width)
                    rows += 1
                    if limit is not None and rows >= limit:
                        break
        except csv.Error as exc:
            raise ImportProblem(f"Row {record + 1} (line {reader.line_num}) is not valid CSV ({exc}); "
                                "look for a stray or unclosed quote.") from exc
    return rows


def _check_width(row: list[str], record: int, line: int, width: int) -> None:
    if len(row) != width:
        raise ImportProblem(
            f"Row {record} (line {line}) has {len(row)} fields but the header has {width}; "
            "the file may be cut off or have unbalanced quotes.")
