"""Where the Compare page starts: from the sidebar's filters, and saying how it uses them.

Both sides keep every sidebar filter; the attribute being compared takes the place of its
own filter, so its sides start from the values the sidebar selected (Sales chosen in the
sidebar: Sales is side A), and the caption says what was replaced.
"""
from __future__ import annotations

from . import common

WAVE = "wave"


def defaults(f, by: str, values: list[str], first: int, second: int) -> tuple[int, int]:
    """Indexes of sides A and B: the sidebar's chosen values of ``by`` first."""
    chosen = [values.index(v) for v in ([f.wave] if by == WAVE else f.where.get(by, []))
              if v in values]
    if len(chosen) >= 2:
        return chosen[0], chosen[1]
    if len(chosen) == 1:
        a = chosen[0]
        b = second if second != a else first
        return a, b if b != a else (a + 1) % len(values)
    return first, second


def note(f, by: str, label: str) -> str:
    """Markdown-safe: which sidebar filters both sides keep, and which one is replaced."""
    kept = [part for part in f.describe().split(" · ") if not part.startswith("groups of")]
    replaced = f.where.get(by) if by != WAVE else [f.wave]
    if by == WAVE:
        kept = [p for p in kept if not p.startswith("Wave ")]
    else:
        kept = [p for p in kept if not p.startswith(common.attr_label(by) + ":")]
    text = ("Both sides keep the sidebar's filters: " + " · ".join(kept) + "." if kept
            else "The sidebar sets no filter that both sides keep.")
    if replaced:
        text += (f" The {label.lower()} compared replaces the sidebar's {label.lower()} "
                 f"({', '.join(common.md(v) for v in replaced)}).")
    return text
