"""Response quality: which responses look careless, and whether an import leaves them out.

- **Straight-lining**: the same answer on every answered item (at least half of the items and
  at least 3), reverse-keyed items included, which is what makes it careless: agreeing with
  a statement and with its opposite.
- **Speeders**: a completion time under a third of the median of the wave, when the export
  has a duration column (Qualtrics ``Duration (in seconds)``, LimeSurvey ``interviewtime``)
  or start and end times. Only the duration in seconds is stored, never the timestamps.
- **Missingness** by item: the share of respondents who left it blank.

Whether flagged responses are left out of every score is a setting (``exclude_flagged`` in
``lvm_settings.toml``, or ``import --exclude-flagged``) applied *at import* and recorded with
the wave: changing the setting later does not change an old wave's numbers; re-importing it
(``--replace``) does, visibly.
"""
from __future__ import annotations

from dataclasses import dataclass

from .mapping_rules import norm_header
from .settings import SettingsError, read_settings_file

STRAIGHTLINERS, SPEEDERS = "straightliners", "speeders"
FLAGS = (STRAIGHTLINERS, SPEEDERS)
PROBLEMS = {STRAIGHTLINERS: "straight-lining", SPEEDERS: "speeder"}   # import report reasons
LABELS = {STRAIGHTLINERS: "Straight-lining (same answer on every item)",
          SPEEDERS: "Speeders (under a third of the median time)"}
SPEED_FRACTION = 1 / 3
MIN_STRAIGHT_ITEMS = 3

DURATION = {"duration", "durationinseconds", "interviewtime", "durationseconds"}
START = {"startdate", "starttime", "datestarted", "startdateutc", "startdatestamp", "started"}
END = {"enddate", "endtime", "completiontime", "submitdate", "datesubmitted", "submitdateutc",
       "submittime", "completed"}


@dataclass(frozen=True)
class Timing:
    """The staged columns a respondent's duration comes from (all None: not timed)."""
    duration_key: str | None = None
    start_key: str | None = None
    end_key: str | None = None

    @property
    def timed(self) -> bool:
        return bool(self.duration_key or (self.start_key and self.end_key))


def _names(column) -> set[str]:
    """A column's header in every form a tool writes it (LimeSurvey: 'code. text')."""
    raw = {column.key, column.header, column.text}
    raw |= {r.split(". ", 1)[0] for r in raw if r and ". " in r}
    return {norm_header(r) for r in raw if r}


def timing_columns(columns) -> Timing:
    """A duration column if the export has one, else a start and an end time column."""
    found: dict[str, str] = {}
    for column in columns:
        names = _names(column)
        for kind, known in (("duration", DURATION), ("start", START), ("end", END)):
            if names & known and kind not in found:
                found[kind] = column.key
    if "duration" in found:
        return Timing(duration_key=found["duration"])
    if "start" in found and "end" in found:
        return Timing(start_key=found["start"], end_key=found["end"])
    return Timing()


def parse_flags(value, source: str = "exclude_flagged") -> tuple[str, ...]:
    """A list (or comma-separated text) of flag names; "none" or empty for none."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise SettingsError(f"{source} must be a list such as [\"straightliners\", \"speeders\"]")
    names = [str(v).strip().lower() for v in items if str(v).strip().lower() not in ("", "none")]
    unknown = [n for n in names if n not in FLAGS]
    if unknown:
        raise SettingsError(f"{source}: unknown flag {unknown[0]!r}; known: {', '.join(FLAGS)}")
    return tuple(f for f in FLAGS if f in names)


def excluded_by_settings(path=None) -> tuple[str, ...]:
    """``exclude_flagged`` from the settings file (none unless set)."""
    path, data = read_settings_file(path)
    return parse_flags(data.get("exclude_flagged"), f"{path}: exclude_flagged")


def notes(exclude: tuple[str, ...], timing: Timing) -> list[str]:
    """What the import report says about the quality checks."""
    out = []
    if exclude:
        out.append("left out of every score as careless (setting exclude_flagged, recorded "
                   "with the wave): " + ", ".join(LABELS[f].lower() for f in exclude))
    if SPEEDERS in exclude and not timing.timed:
        out.append("no completion times in this file: speeders cannot be checked")
    return out
