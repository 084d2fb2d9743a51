"""What an import may cost: file size, inflated size, rows, columns and cells.

Each limit is checked before the work it guards (a ZIP's inflated size from its directory
before anything is inflated, a CSV's rows estimated from its size before it is read), so
a hostile upload is refused in about a second. Set them in the settings file:

    [limits]
    max_file_mb = 200
    max_uncompressed_mb = 1024
    max_compression_ratio = 100
    max_rows = 10000000
    max_columns = 2000
    max_cells = 400000000
    import_memory_mb = 2048      # DuckDB's memory for a command-line import; beyond it, disk
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from .import_types import MAX_COLUMNS, ImportProblem
from .settings import SettingsError, read_settings_file


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = 200
    max_uncompressed_mb: float = 1024      # a workbook's XML, inflated
    max_compression_ratio: float = 100     # real workbooks inflate 5-30 times; bombs far more
    max_rows: int = 10_000_000
    max_columns: int = MAX_COLUMNS
    max_cells: int = 400_000_000
    import_memory_mb: int = 2048           # the rest of a large import spills to disk

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_uncompressed_bytes(self) -> int:
        return int(self.max_uncompressed_mb * 1024 * 1024)


def load_limits() -> Limits:
    path, data = read_settings_file()
    table = data.get("limits", {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [limits] must be a table")
    known = {f.name: f.type for f in fields(Limits)}
    values = {}
    for key, value in table.items():
        if key not in known:
            raise SettingsError(f"{path}: unknown limit {key!r}; known: {', '.join(known)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise SettingsError(f"{path}: limits.{key} must be a positive number")
        values[key] = int(value) if known[key] == "int" else float(value)
    return Limits(**values)


def check_shape(name: str, rows: int, columns: int, limits: Limits,
                about: bool = False, at_least: bool = False) -> None:
    """Rows, columns and cells against the limits, with a message naming the limit
    (``about``: estimated from the size; ``at_least``: reading stopped at the limit)."""
    approx = "about " if about else "at least " if at_least else ""
    if columns > limits.max_columns:
        raise ImportProblem(f"{name} has {columns} columns; at most {limits.max_columns} "
                            "are supported (is it one row per respondent?).")
    if rows > limits.max_rows:
        raise ImportProblem(f"{name} has {approx}{rows:,} rows; the limit is "
                            f"{limits.max_rows:,} (limits.max_rows in the settings file).")
    if rows * columns > limits.max_cells:
        raise ImportProblem(f"{name} has {approx}{rows * columns:,} cells; the limit is "
                            f"{limits.max_cells:,} (limits.max_cells in the settings file).")
