"""Answer scales: turn raw answers (labels, numbers, LimeSurvey codes) into numbers.

Exports hold answers as the tool shows them: "Strongly agree", "4", "AO04", "5 - Always".
``infer_scale`` looks at the distinct raw values of an item set and picks the scale that
explains the most of them; ``to_value`` / ``value_sql_cases`` then convert, so the SQL
layer only needs an exact ``CASE raw WHEN ? THEN ?`` built from parameters.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Scale", "SCALES", "MISSING", "ScaleGuess", "normalise_label", "infer_scale",
           "to_value", "value_sql_cases", "value_labels", "scale_by_name", "numeric_scale"]


@dataclass(frozen=True)
class Scale:
    """``labels`` maps normalised label -> value; ``display`` is (value, label) per scale point."""
    name: str
    min: float
    max: float
    labels: dict[str, float] = field(default_factory=dict, hash=False, compare=False, repr=False)
    display: tuple[tuple[float, str], ...] = ()

    @property
    def numeric(self) -> bool:
        return not self.labels

    def contains(self, value: float) -> bool:
        return self.min <= value <= self.max


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u00b4": "'",
                         "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-",
                         "\u2014": "-", "\u2212": "-"})
_TRAILING = re.compile(r"[\s.!?,;:\"']+$")
_LEADING = re.compile(r"^[\s\"']+")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_LEADING_NUMBER = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*[-=:.)(]\s*\D")
_CODE = re.compile(r"^(?:ao|a)0*(\d+)$")


def normalise_label(s: str) -> str:
    """Case-, whitespace-, quote- and trailing-punctuation-insensitive form of an answer."""
    s = unicodedata.normalize("NFKC", str(s)).translate(_QUOTES).casefold()
    s = " ".join(s.split())
    return _TRAILING.sub("", _LEADING.sub("", s)) if len(s) > 1 else s


MISSING: set[str] = {
    "", "-", "--", ".", "n/a", "na", "n.a", "nan", "null", "not applicable",
    "does not apply", "don't know", "dont know", "do not know", "i don't know", "dk",
    "prefer not to say", "prefer not to answer", "rather not say", "no answer", "skip", "skipped",
    "can't say", "cannot say", "not sure", "unsure", "-99", "-999", "#n/a", "missing",
}

MISSING_NUMBERS = {int(t) for t in MISSING if re.fullmatch(r"-?\d+", t)}   # -99, -999


def reads_as_number(raw: str) -> bool:
    """Whether a cast to a number accepts ``raw`` (as DuckDB's TRY_CAST does: "-99", "NaN")."""
    try:
        float(raw)
    except ValueError:
        return False
    return True


def _label_scale(name: str, points: list[list[str]], first: float = 1) -> Scale:
    """points[i] = spellings of value first+i; the first spelling is the display label."""
    labels: dict[str, float] = {}
    display = []
    for i, spellings in enumerate(points):
        value = float(first + i)
        display.append((value, spellings[0]))
        for s in spellings:
            labels[normalise_label(s)] = value
    return Scale(name, float(first), float(first + len(points) - 1), labels, tuple(display))


def numeric_scale(low: float, high: float, name: str | None = None) -> Scale:
    """A numeric scale from low to high (e.g. an instrument's declared range), 'numeric lo-hi'."""
    display = tuple((float(v), str(v)) for v in range(int(low), int(high) + 1)) \
        if float(low).is_integer() and float(high).is_integer() else ()
    return Scale(name or f"numeric {low:g}-{high:g}", float(low), float(high), {}, display)


_NEUTRAL = ["Neither agree nor disagree", "Neither agree or disagree", "Neither disagree nor agree",
            "Neutral", "Neither", "Undecided", "Neither agree nor disagree (neutral)"]

SCALES: list[Scale] = [
    _label_scale("agreement 5", [
        ["Strongly disagree", "Disagree strongly", "Strongly Disagree", "Totally disagree",
         "Completely disagree", "Fully disagree"],
        ["Disagree", "Somewhat disagree", "Tend to disagree", "Mostly disagree", "Disagree somewhat"],
        _NEUTRAL,
        ["Agree", "Somewhat agree", "Tend to agree", "Mostly agree", "Agree somewhat"],
        ["Strongly agree", "Agree strongly", "Totally agree", "Completely agree", "Fully agree"]]),
    _label_scale("agreement 7", [
        ["Strongly disagree", "Disagree strongly", "Completely disagree", "Totally disagree"],
        ["Disagree", "Moderately disagree", "Disagree moderately", "Mostly disagree"],
        ["Somewhat disagree", "Slightly disagree", "Mildly disagree", "Disagree slightly",
         "Disagree somewhat", "Tend to disagree"],
        _NEUTRAL,
        ["Somewhat agree", "Slightly agree", "Mildly agree", "Agree slightly", "Agree somewhat",
         "Tend to agree"],
        ["Agree", "Moderately agree", "Agree moderately", "Mostly agree"],
        ["Strongly agree", "Agree strongly", "Completely agree", "Totally agree"]]),
    _label_scale("frequency 5", [
        ["Never", "Almost never"], ["Rarely", "Seldom", "Once in a while"],
        ["Sometimes", "Occasionally"], ["Often", "Usually", "Frequently", "Fairly often"],
        ["Always", "Very often", "Almost always", "Frequently, if not always"]]),
    _label_scale("extent 5", [
        ["Not at all", "To no extent"],
        ["To a small extent", "Small extent", "To a little extent", "A little", "To a slight extent",
         "Slightly", "To a limited extent"],
        ["To a moderate extent", "Moderate extent", "To some extent", "Somewhat", "Moderately"],
        ["To a great extent", "Great extent", "To a large extent", "Large extent", "A lot",
         "To a considerable extent"],
        ["To a very great extent", "Very great extent", "To a very large extent",
         "Very large extent", "Completely", "To a full extent", "Fully"]]),
    numeric_scale(1, 5, "numeric 1-5"),
    numeric_scale(1, 7, "numeric 1-7"),
    numeric_scale(0, 10, "numeric 0-10"),
]
_STANDARD_NUMERIC = [s for s in SCALES if s.numeric]


def scale_by_name(name: str) -> Scale:
    for s in SCALES:
        if s.name == name:
            return s
    raise KeyError(name)


def _number(norm: str) -> float | None:
    """Plain number, LimeSurvey answer code (AO03, A3) or number-prefixed label ("5 - Always")."""
    if _NUMBER.match(norm):
        return float(norm.replace(",", "."))
    m = _CODE.match(norm) or _LEADING_NUMBER.match(norm)
    return float(m.group(1).replace(",", ".")) if m else None


def _label_value(norm: str, scale: Scale) -> float | None:
    if norm in scale.labels:
        return scale.labels[norm]
    m = _LEADING_NUMBER.match(norm)  # "1 - strongly disagree", "5 (always)"
    if m:
        rest = _TRAILING.sub("", norm[m.end() - 1:].strip(" ()-=:"))
        if rest in scale.labels:
            return scale.labels[rest]
    return None


def to_value(raw: str | None, scale: Scale) -> float | None:
    """Numeric value of one raw answer on ``scale``; None when missing or not on the scale."""
    if raw is None:
        return None
    norm = normalise_label(raw)
    if norm in MISSING:
        return None
    value = None if scale.numeric else _label_value(norm, scale)
    if value is None:
        value = _number(norm)
    return value if value is not None and scale.contains(value) else None


def value_sql_cases(scale: Scale, raw_values: Iterable[str] | None = None) -> list[tuple[str, float]]:
    """(match, value) pairs for ``CASE col WHEN ? THEN ? ... END`` (values passed as parameters).

    With ``raw_values`` (the distinct answers seen in the data) each pair is an exact raw
    string and its value, so SQL needs no normalisation. Without, the pairs are the scale's
    normalised labels (compare with ``lower(trim(col))``) or, for numeric scales, its integers.
    """
    if raw_values is not None:
        pairs = ((raw, to_value(raw, scale)) for raw in dict.fromkeys(raw_values) if raw is not None)
        return [(raw, v) for raw, v in pairs if v is not None]
    if scale.labels:
        return list(scale.labels.items())
    return [(label, value) for value, label in scale.display]


def value_labels(scale: Scale) -> dict[float, str]:
    """Display label per scale point, for charts ("Strongly agree", or "4" on numeric scales)."""
    return dict(scale.display)


@dataclass
class ScaleGuess:
    scale: Scale
    unrecognised: dict[str, int]
    numeric: bool


def _numeric_guess(values: dict[str, int], default: Scale | None) -> ScaleGuess:
    numbers = {raw: _number(normalise_label(raw)) for raw in values}
    seen = [v for v in numbers.values() if v is not None]
    low, high = min(seen), max(seen)
    if default is not None and default.numeric and default.contains(low) and default.contains(high):
        scale = default
    else:
        fits = [s for s in _STANDARD_NUMERIC if s.contains(low) and s.contains(high)]
        scale = fits[0] if fits else numeric_scale(low, high)
    unrecognised = {raw: n for raw, n in values.items() if numbers[raw] is None}
    return ScaleGuess(scale, unrecognised, True)


def _label_score(values: dict[str, int], scale: Scale) -> tuple[int, int, int, int]:
    """(distinct values recognised, distinct scale points hit, responses recognised, -points)."""
    hits = {raw: to_value(raw, scale) for raw in values}
    recognised = [raw for raw, v in hits.items() if v is not None]
    points = {hits[raw] for raw in recognised}
    return (len(recognised), len(points), sum(values[r] for r in recognised), -len(scale.display))


def infer_scale(value_counts: dict[str, int], default: Scale | None = None) -> ScaleGuess:
    """Choose the scale for an item set from its distinct raw answers and their counts.

    Mostly numbers (or LimeSurvey codes) -> the smallest standard numeric range holding them
    (``default`` if numeric and it fits), else ``numeric lo-hi``. Mostly labels -> the label
    scale that recognises the most distinct answers, ties broken by fewer collisions.
    Missing tokens are ignored; everything else not on the scale is in ``unrecognised``.
    """
    values = {raw: n for raw, n in value_counts.items()
              if raw is not None and normalise_label(raw) not in MISSING}
    if not values:
        return ScaleGuess(default or SCALES[0], {}, bool(default and default.numeric))
    numeric = sum(n for raw, n in values.items() if _number(normalise_label(raw)) is not None)
    if numeric * 2 >= sum(values.values()):
        return _numeric_guess(values, default)
    candidates = [s for s in SCALES if not s.numeric]
    if default is not None and not default.numeric and default not in candidates:
        candidates.insert(0, default)
    best = max(candidates, key=lambda s: _label_score(values, s))
    if _label_score(values, best)[0] == 0 and default is not None:
        best = default
    unrecognised = {raw: n for raw, n in values.items() if to_value(raw, best) is None}
    return ScaleGuess(best, unrecognised, False)
