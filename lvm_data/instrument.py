"""The questionnaire: which item measures which pole of which dimension.

The default instrument is the data file ``instrument.csv`` beside this module;
a codebook CSV can map an export's columns to item ids and, with
``dimension,pole,reverse`` columns, define a custom instrument.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import column_roles
from .export import safe_row, unquote

POLES = ("leadership", "management")
DEFAULT_PATH = Path(__file__).with_name("instrument.csv")
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
_TRUE = {"1", "true", "yes", "y", "t", "reverse", "r", "-1"}
_FALSE = {"", "0", "false", "no", "n", "f"}


class InstrumentError(ValueError):
    """A codebook or instrument file that cannot be used; the message names the row."""


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    leadership: str
    management: str


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("vision_execution", "Vision vs Execution",
                  "Vision: the what and why, the future",
                  "Execution: the how and when, plans, resources"),
        Dimension("people_process", "People vs Process",
                  "People: relationships, development, coaching",
                  "Process: procedures, standards, compliance"),
        Dimension("innovation_stability", "Innovation vs Stability",
                  "Innovation: change, risk-taking",
                  "Stability: order, risk management, proven methods"),
        Dimension("influence_authority", "Influence vs Authority",
                  "Influence: trust, example, persuasion",
                  "Authority: formal position, direction, enforcement"),
        Dimension("longterm_shortterm", "Long-term vs Short-term",
                  "Long-term strategy",
                  "Short-term goals, deadlines, budgets"),
    )
}


def dimension_info(key: str) -> Dimension:
    """Labels for a dimension; custom dimensions get readable labels from their key."""
    if key in DIMENSIONS:
        return DIMENSIONS[key]
    label = key.replace("_", " ").strip().capitalize()
    return Dimension(key, label, f"{label}: leadership pole", f"{label}: management pole")


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    pole: str
    reverse: bool
    text: str


@dataclass(frozen=True)
class Instrument:
    items: tuple[Item, ...]
    scale_min: float = 1
    scale_max: float = 5
    name: str = "default"

    @property
    def dimensions(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.items:
            seen.setdefault(item.dimension, None)
        return list(seen)

    def items_for(self, dimension: str, pole: str) -> list[Item]:
        return [i for i in self.items if i.dimension == dimension and i.pole == pole]

    def by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    def poles_of(self, dimension: str) -> list[str]:
        """The poles a dimension has items for: both, or one for a custom scale (such a
        dimension has pole scores and reliability, but no orientation or archetype)."""
        return [p for p in POLES if self.items_for(dimension, p)]

    @property
    def midpoint(self) -> float:
        return (self.scale_min + self.scale_max) / 2


@dataclass(frozen=True)
class Codebook:
    """question (an export's header or question text) -> item id; maybe a custom instrument.
    ``columns`` holds the other rows: question -> (kind, target) of a role such as
    department, ``attribute:NAME`` or ignore (``column_roles``)."""
    mapping: dict[str, str] = field(default_factory=dict)
    instrument: Instrument | None = None
    columns: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def valid_identifier(name: str) -> bool:
    """Ids end up as quoted SQL column names, so only a safe alphabet is accepted."""
    return bool(_ID_RE.match(name or ""))


def _flag(value: str, where: str) -> bool:
    v = (value or "").strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise InstrumentError(f"{where}: reverse must be true or false, got {value!r}")


def _item_from_row(row: dict, where: str) -> Item:
    item_id = (row.get("item") or row.get("id") or "").strip()
    if not valid_identifier(item_id):
        raise InstrumentError(f"{where}: item id {item_id!r} must start with a letter "
                              "and hold only letters, digits and _")
    dim = (row.get("dimension") or "").strip().lower()
    if not valid_identifier(dim):
        raise InstrumentError(f"{where}: dimension {dim!r} is not a valid key")
    pole = (row.get("pole") or "").strip().lower()
    if pole not in POLES:
        raise InstrumentError(f"{where}: pole must be leadership or management, got {pole!r}")
    text = (row.get("text") or row.get("question") or item_id).strip()
    return Item(item_id, dim, pole, _flag(row.get("reverse", ""), where), text)


def _read_rows(text: str, source: str) -> tuple[list[str], list[dict]]:
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InstrumentError(f"{source}: the file is empty")
    fields = [unquote(f.strip()).lower() for f in reader.fieldnames]
    reader.fieldnames = fields
    rows = [{k: unquote(v) if isinstance(v, str) else v for k, v in row.items()}
            for row in reader]     # our codebook downloads quote formula-like cells
    return fields, rows


def _scale(rows: list[dict], source: str) -> tuple[float, float]:
    lows = {r.get("scale_min", "").strip() for r in rows} - {""}
    highs = {r.get("scale_max", "").strip() for r in rows} - {""}
    if len(lows) > 1 or len(highs) > 1:
        raise InstrumentError(f"{source}: scale_min and scale_max must be the same on every row")
    try:
        low = float(lows.pop()) if lows else 1.0
        high = float(highs.pop()) if highs else 5.0
    except ValueError as exc:
        raise InstrumentError(f"{source}: scale_min/scale_max must be numbers") from exc
    if high <= low:
        raise InstrumentError(f"{source}: scale_max must be above scale_min")
    return low, high


def parse_instrument(text: str, source: str = "instrument", name: str = "custom") -> Instrument:
    fields, rows = _read_rows(text, source)
    if not {"dimension", "pole"} <= set(fields):
        raise InstrumentError(f"{source}: needs columns id (or item), dimension, pole, reverse")
    items = [_item_from_row(r, f"{source} row {n}") for n, r in enumerate(rows, start=2)]
    seen: set[str] = set()
    for n, item in enumerate(items, start=2):
        if item.id in seen:
            raise InstrumentError(f"{source} row {n}: item id {item.id!r} appears twice")
        seen.add(item.id)
    if not items:
        raise InstrumentError(f"{source}: no items")
    low, high = _scale(rows, source)
    return Instrument(tuple(items), low, high, name)


def load_default() -> Instrument:
    return parse_instrument(DEFAULT_PATH.read_text(encoding="utf-8"), str(DEFAULT_PATH), "default")


def parse_codebook(text: str, source: str = "codebook") -> Codebook:
    """``question,item`` maps columns; with ``dimension,pole`` the rows also define the items."""
    fields, rows = _read_rows(text, source)
    if not {"question", "item"} <= set(fields):
        raise InstrumentError(f"{source}: a codebook needs the columns question,item")
    mapping: dict[str, str] = {}
    columns: dict[str, tuple[str, str | None]] = {}
    item_rows = []
    for n, row in enumerate(rows, start=2):
        question, item = (row.get("question") or "").strip(), (row.get("item") or "").strip()
        if not question or not item:
            raise InstrumentError(f"{source} row {n}: question and item must not be empty")
        if column_roles.is_role(item):
            try:
                columns[question] = column_roles.parse_role(item)
            except ValueError as exc:
                raise InstrumentError(f"{source} row {n}: {exc}") from exc
            continue
        mapping[question] = item
        item_rows.append(row)
    instrument = None
    if {"dimension", "pole"} <= set(fields) and item_rows:
        unique: dict[str, dict] = {}
        for row in item_rows:
            unique.setdefault(row["item"].strip(), row)
        csv_rows = list(unique.values())
        instrument = _instrument_from_codebook_rows(csv_rows, source)
    return Codebook(mapping, instrument, columns)


def _instrument_from_codebook_rows(rows: list[dict], source: str) -> Instrument:
    items = [_item_from_row({**r, "text": r.get("text") or r.get("question")}, f"{source} item "
                            f"{r.get('item')!r}") for r in rows]
    low, high = _scale(rows, source)
    return Instrument(tuple(items), low, high, "custom")


def load_codebook(path: str | Path) -> Codebook:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"{path}: cannot read the codebook ({exc})") from exc
    return parse_codebook(text, str(path))


def instrument_csv(instrument: Instrument) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "dimension", "pole", "reverse", "text"])
    for i in instrument.items:
        writer.writerow(safe_row([i.id, i.dimension, i.pole, str(i.reverse).lower(), i.text]))
    return out.getvalue()
