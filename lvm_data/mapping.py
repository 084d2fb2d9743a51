"""Propose what each column of an export is: an item, a grouping attribute, metadata...

The proposal is only a starting point that the user reviews, so every match carries a
confidence and a short ``how``. Items are matched by codebook, id, text, then normalised
text (question stems, "[statement]" and "question - statement" layouts, HTML removed).
Personal data columns are recognised so the import never stores them.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from . import column_roles
from .export import safe_row
from .instrument import Codebook, Instrument, valid_identifier
from .mapping_rules import (classify_header, classify_question, free_text_header,
                            looks_categorical, looks_like_email)
from .item_match import ItemIndex
from .raters import ATTRIBUTE as RATER, is_rater_header

__all__ = ["Match", "KINDS", "propose", "to_codebook_csv", "attribute_name"]

KINDS = ("item", "respondent_id", "department", "team", "role", "attribute", "wave", "finished",
         "progress", "submitted", "status", "personal", "free_text", "metadata", "ignored")
SINGLE_KINDS = ("respondent_id", "department", "team", "role", "wave", "finished", "progress",
                "submitted", "status")
RESERVED = set(SINGLE_KINDS) | {"group", "dimension", "item_id", "value"}


@dataclass
class Match:
    key: str
    text: str
    kind: str
    target: str | None
    confidence: float
    how: str


def attribute_name(header: str) -> str | None:
    """Safe SQL identifier for an attribute column ('Tenure band' -> 'tenure_band')."""
    s = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    if not s:
        return None
    if not s[0].isalpha():
        s = "a_" + s
    s = s[:63].rstrip("_")
    return s if valid_identifier(s) else None


def _as_column(c):
    if isinstance(c, str):
        return c, c, c
    return c.key, getattr(c, "header", c.key) or c.key, getattr(c, "text", c.key) or c.key


def _classify(key, header, text, index: ItemIndex, samples) -> Match:
    """One column on its own (no cross-column rules yet)."""
    item = index.exact(key, header, text)
    if item:
        return Match(key, text, "item", item[0], item[1], item[2])
    kind, how, conf = classify_header(key, header, text)
    if kind:
        return Match(key, text, kind, kind if kind in SINGLE_KINDS else None, conf, how)
    if is_rater_header(header):
        return Match(key, text, "attribute", None, 0.9, "who rated (360 feedback)")
    item = index.fuzzy(key, header, text)
    if item:
        return Match(key, text, "item", item[0], item[1], item[2])
    if free_text_header(header) or free_text_header(text):
        return Match(key, text, "free_text", None, 0.9, "a comment question: free text")
    kind, how, conf = classify_question(text)
    if kind:
        return Match(key, text, kind, kind, conf, how)
    values = (samples or {}).get(key)
    if values and looks_like_email(values):
        return Match(key, text, "personal", None, 0.7, "e-mail addresses in the values")
    if values and looks_categorical(values):
        return Match(key, text, "attribute", None, 0.5, "few distinct short answers")
    if values:
        return Match(key, text, "free_text", None, 0.6, "free text or many distinct values")
    return Match(key, text, "ignored", None, 0.3, "not recognised")


def _dedupe_items(matches: list[Match]) -> None:
    """Each item gets one column: the best-matching; the others are set aside."""
    best: dict[str, Match] = {}
    for m in matches:
        if m.kind == "item" and (m.target not in best or m.confidence > best[m.target].confidence):
            best[m.target] = m
    for m in matches:
        if m.kind == "item" and best[m.target] is not m:
            m.how = f"also matches item {m.target}, better matched by column {best[m.target].key!r}"
            m.kind, m.target, m.confidence = "ignored", None, 0.3


def _single_roles(matches: list[Match]) -> None:
    """Only the first (best-ranked) respondent id / department / ... keeps its role."""
    for kind in SINGLE_KINDS:
        found = sorted((m for m in matches if m.kind == kind), key=lambda m: -m.confidence)
        for m in found[1:]:
            m.how = f"second {kind} column ({found[0].key!r} is used)"
            m.kind, m.target = ("metadata", None) if kind == "respondent_id" else ("attribute", None)
    if not any(m.kind == "respondent_id" for m in matches):
        emails = [m for m in matches if m.kind == "personal" and m.how.startswith("e-mail")]
        if emails:  # the e-mail is the only respondent key: keep it (the importer hashes it)
            m = emails[0]
            m.kind, m.target, m.confidence, m.how = "respondent_id", "respondent_id", 0.9, "email"


def _codebook_roles(matches: list[Match], codebook: Codebook | None) -> list[Match]:
    """A codebook's role rows (department, attribute:NAME, ignore...) decide those columns;
    "ignore" leaves a column the proposer already keeps out (personal data...) as it is."""
    roles = codebook.columns if codebook is not None else {}
    if not roles:
        return matches
    out = []
    for m in matches:
        role = next((roles[s.strip()] for s in (m.key, m.text) if s.strip() in roles), None)
        if role is not None and not (role[0] == "ignored" and m.kind in column_roles.NOT_STORED):
            m = Match(m.key, m.text, role[0], role[1], 1.0, "codebook")
        out.append(m)
    return out


def _name_attributes(matches: list[Match]) -> None:
    used = set(RESERVED) | {m.target for m in matches if m.kind == "attribute" and m.target
                            and m.how == "codebook"}
    for m in matches:
        if m.kind != "attribute" or (m.target and m.how == "codebook"):
            continue
        name = attribute_name(m.key) if len(m.key) <= 40 else None
        if is_rater_header(m.key) and RATER not in used:
            name = RATER
        name = name or attribute_name(m.text) or attribute_name(m.key)
        if name is None:
            m.kind, m.how = "ignored", "no usable attribute name"
            continue
        base, k = name[:60], 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        m.target = name


def propose(columns, instrument: Instrument, codebook: Codebook | None = None,
            samples: dict[str, list[str]] | None = None, tool: str = "plain") -> list[Match]:
    """One Match per column, in column order. ``columns`` are formats.Column or header strings;
    ``samples`` (key -> some raw values) lets free text be told apart from attributes."""
    index = ItemIndex(instrument, codebook, tool)
    matches = [_classify(*_as_column(c), index, samples) for c in columns]
    matches = _codebook_roles(matches, codebook)
    _dedupe_items(matches)
    _single_roles(matches)
    _name_attributes(matches)
    return matches


def to_codebook_csv(matches: list[Match], instrument: Instrument, custom: bool = False) -> str:
    """``question,item`` rows for every column: an item id, or the role word of the column
    (department, ``attribute:NAME``, ignore...), so the codebook remembers every choice.
    ``custom`` adds the item definitions (dimension,pole,reverse,text,scale_min,scale_max)
    so the codebook defines the instrument. Headers come from the export, so cells are
    formula-safe (``parse_codebook`` undoes it)."""
    items = instrument.by_id()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["question", "item"]
    if custom:
        header += ["dimension", "pole", "reverse", "text", "scale_min", "scale_max"]
    writer.writerow(header)
    for m in matches:
        is_item = m.kind == "item" and m.target in items
        row = [m.key, m.target if is_item else column_roles.role_word(m.kind, m.target)]
        if custom and is_item:
            it = items[m.target]
            row += [it.dimension, it.pole, str(it.reverse).lower(), it.text,
                    f"{instrument.scale_min:g}", f"{instrument.scale_max:g}"]
        elif custom:
            row += [""] * 6
        writer.writerow(safe_row(row))
    return out.getvalue()
