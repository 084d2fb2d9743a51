"""Small types shared by the file-format modules (kept apart to avoid import cycles)."""
from __future__ import annotations

from dataclasses import dataclass

MAX_COLUMNS = 2000  # wider files are almost certainly not one-row-per-respondent exports


class ImportProblem(ValueError):
    """A file that cannot be imported; the message is one clear line for the user."""


@dataclass
class Column:
    """One column of an export: position, stable key, raw header and best human text."""
    index: int
    key: str
    header: str
    text: str
    import_id: str | None = None
