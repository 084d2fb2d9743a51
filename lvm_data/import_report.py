"""What an import would do, and what it did: the reports a person reads before and after."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from . import formats, mapping, scales
from .instrument import Instrument


@dataclass
class Report:
    """What an import would do; shown before anything is written."""
    tool: str
    rows_read: int
    rows_importable: int
    problems: dict[str, int]
    problem_rows: pd.DataFrame
    personal_columns: list[str]
    unrecognised: dict[str, int]
    scale: scales.Scale
    matches: list[mapping.Match]
    waves: list[str]
    notes: list[str]
    instrument: Instrument
    free_text_columns: list[str] = field(default_factory=list)
    partial: bool = False                         # a preview of the first rows only
    hashed_key: str | None = None
    repeats: list = field(default_factory=list)   # existing waves the file repeats
    blocker: str | None = None          # why nothing can be imported yet (the mapping shows)
    samples: dict[str, str] = field(default_factory=dict)   # column key -> a few answers
    layout: str = ""                    # "1 header row, comma-separated"
    mapping_from: str | None = None     # the wave whose remembered mapping was applied
    default_wave: str | None = None     # name and date proposed for a file without either
    default_date: date | None = None

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_importable

    def first_problem(self) -> str:
        """One line naming the first rejected row, for the command line."""
        if self.problem_rows.empty:
            return ""
        r = self.problem_rows.iloc[0]
        where = f"row {int(r['row'])}"
        if isinstance(r["column"], str):
            where += f", column {r['column']!r}: value {r['value']!r} is not on the scale " \
                     f"({self.scale.name})"
        else:
            where += f": {r['reason']}"
        more = self.rows_rejected - 1
        return where + (f" (and {more} more rejected row{'s' * (more != 1)})" if more > 0 else "")



@dataclass
class Summary:
    waves: list[tuple[str, int]]
    report: Report
    replaced: tuple[str, ...] = ()
    removed_demo: tuple[str, ...] = ()

    def line(self) -> str:
        done = ", ".join(f"{name!r} ({n:,} respondents)" for name, n in self.waves)
        skipped = self.report.rows_rejected
        extra = f"; {skipped:,} row{'s' * (skipped != 1)} skipped" if skipped else ""
        extra += "".join(f"; replaced wave {name!r}" for name in self.replaced)
        if self.removed_demo:
            extra += "; removed the sample waves " + ", ".join(map(repr, self.removed_demo))
        return f"imported {done} from a {formats.TOOLS.get(self.report.tool, self.report.tool)} " \
               f"export{extra}"
