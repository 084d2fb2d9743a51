"""The column-mapping table of the import preview: what each column becomes, editable.

Each row is one column of the file with a "Use as" choice ("item · VE_L1", "department",
"attribute", "ignored", ...). The rows the user changed become ``Options.overrides``
({column key: (kind, target)}); the base proposal is the one made without overrides,
so a change can always be taken back.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lvm_data import mapping
from lvm_data.instrument import dimension_info

ITEM_PREFIX = "item · "
NAMED_KINDS = {"respondent_id": "respondent id", "personal": "personal data (dropped)",
               "free_text": "free text (dropped)"}
NO_TARGET = ("attribute", "finished", "progress", "status", "metadata", "personal", "free_text",
             "ignored")


def _kind_text(kind: str) -> str:
    return NAMED_KINDS.get(kind, kind)


def use_as(match: mapping.Match) -> str:
    """The "Use as" text of one match."""
    if match.kind == "item" and match.target:
        return ITEM_PREFIX + match.target
    return _kind_text(match.kind)


def choices(instrument) -> list[str]:
    """The items grouped by dimension and pole (as the instrument lists its dimensions,
    leadership first), then the other kinds of column."""
    dims = instrument.dimensions
    items = sorted(instrument.items, key=lambda i: (dims.index(i.dimension),
                                                    POLE_ORDER.get(i.pole, 2)))
    kinds = [_kind_text(k) for k in mapping.KINDS if k != "item"]
    return [*(ITEM_PREFIX + i.id for i in items), *kinds]


POLE_ORDER = {"leadership": 0, "management": 1}


def labeller(instrument):
    """"item · VE_L1" shown as "VE_L1 · Vision (leadership) · I describe…": the dropdown can
    be searched by id, pole or words of the statement."""
    items = instrument.by_id()

    def label(choice: str) -> str:
        item = items.get(choice[len(ITEM_PREFIX):]) if choice.startswith(ITEM_PREFIX) else None
        if item is None:
            return choice
        pole = dimension_info(item.dimension)
        side = (pole.leadership if item.pole == "leadership" else pole.management).split(":")[0]
        text = item.text if len(item.text) <= 60 else item.text[:59] + "…"
        rev = " (reverse)" if item.reverse else ""
        return f"{item.id} · {side} ({item.pole}){rev} · {text}"
    return label


def parse(text: str, key: str, taken: set[str]) -> tuple[str, str | None]:
    """A "Use as" text back to (kind, target); attributes are named from the column."""
    if text.startswith(ITEM_PREFIX):
        return "item", text[len(ITEM_PREFIX):]
    kind = next((k for k, v in NAMED_KINDS.items() if v == text), text)
    if kind == "attribute":
        return kind, _attribute_name(key, taken)
    return kind, None if kind in NO_TARGET else kind


def _attribute_name(key: str, taken: set[str]) -> str:
    base = mapping.attribute_name(key) or "attribute"
    name, k = base, 2
    while name in taken or name in mapping.RESERVED:
        name, k = f"{base[:58]}_{k}", k + 1
    taken.add(name)
    return name


# answers not shown, not even here: names, e-mails, comments, and ids that may name people
HIDDEN_SAMPLE = ("personal", "free_text", "respondent_id")


def frame(base: list[mapping.Match], samples: dict[str, str] | None = None) -> pd.DataFrame:
    """Rows for the editor. Always the proposal: the editor keeps the user's edits itself,
    and its data must not change under it."""
    samples = samples or {}
    return pd.DataFrame({
        "column": [m.key for m in base],
        "text": [m.text if m.text != m.key else "" for m in base],
        "sample": ["(not shown)" if m.kind in HIDDEN_SAMPLE else samples.get(m.key, "")
                   for m in base],
        "use_as": [use_as(m) for m in base],
        "stored_as": [m.target or "" for m in base],
        "confidence": [m.confidence for m in base],
        "how": [m.how for m in base],
    })


def edit(base: list[mapping.Match], instrument, key: str,
         samples: dict[str, str] | None = None) -> dict[str, tuple[str, str | None]]:
    """Draw the editor; return the overrides: the rows whose choice differs from the proposal."""
    df = frame(base, samples)
    order = ["column", "use_as", "sample", "stored_as", "confidence", "how"]
    if df["text"].astype(bool).any():
        order.insert(1, "text")                      # only when headers differ from the text
    edited = st.data_editor(
        df, key=key, hide_index=True, column_order=order,
        disabled=["column", "text", "sample", "stored_as", "confidence", "how"],
        column_config={
            "column": st.column_config.TextColumn("Column", width="medium", pinned=True),
            "text": st.column_config.TextColumn("Question text", width="large"),
            "sample": st.column_config.TextColumn("Sample answers", width="medium"),
            "use_as": st.column_config.SelectboxColumn("Use as", options=choices(instrument),
                                                       format_func=labeller(instrument),
                                                       required=True, width="medium"),
            "stored_as": st.column_config.TextColumn("Proposed target"),
            "confidence": st.column_config.ProgressColumn("Confidence", min_value=0.0,
                                                          max_value=1.0, format="percent"),
            "how": st.column_config.TextColumn("Why", width="large")})
    if edited is None or "use_as" not in getattr(edited, "columns", []):
        return {}
    proposed = {m.key: use_as(m) for m in base}
    taken = {m.target for m in base if m.kind == "attribute" and m.target}
    overrides = {}
    for column, text in zip(edited["column"], edited["use_as"]):
        if text and text != proposed.get(column):
            overrides[column] = parse(text, column, taken)
    return overrides
