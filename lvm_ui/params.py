"""Checking share-link parameters before Streamlit silently drops what it cannot use.

Pure functions (no Streamlit) so the rules are easy to test: which values of a
parameter are not valid options, and a short, safe description of them for the
notice. Values come straight from a URL, so they are truncated and never trusted.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import urlencode

MAX_VALUE_CHARS = 40
MAX_LISTED = 5
# Streamlit's own parameters: never ours to complain about.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})


def shorten(value: str, limit: int = MAX_VALUE_CHARS) -> str:
    """One line, at most ``limit`` characters, control characters removed."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def invalid_values(raw: Sequence[str], valid: Sequence[str]) -> list[str]:
    """The raw values that are not among the valid (formatted) options, in URL order."""
    allowed = set(valid)
    return [v for v in dict.fromkeys(raw) if v not in allowed and v != ""]


def check_number(raw: Sequence[str], low: int, high: int) -> str | None:
    """Why a whole-number parameter is not usable as given, or None when it is fine."""
    if not raw:
        return None
    value = raw[-1]
    try:
        number = float(value.strip())
    except ValueError:
        return f"{quote_value(value)} is not a number"
    if not math.isfinite(number) or not low <= number <= high:
        return f"{quote_value(value)} is outside {low}–{high}"
    if not number.is_integer():
        return f"{quote_value(value)} is not a whole number"
    return None


def quote_value(value: str) -> str:
    """A URL value as inline code: markdown inside it is never interpreted (no links)."""
    return "`" + shorten(value).replace("`", "'") + "`"


def describe(key: str, bad: Sequence[str], what: str) -> str:
    """'department: `Zzz`, `Yyy` (not a department in this data)'."""
    listed = ", ".join(quote_value(v) for v in list(bad)[:MAX_LISTED])
    more = f" and {len(bad) - MAX_LISTED} more" if len(bad) > MAX_LISTED else ""
    return f"{quote_value(shorten(key, 30))}: {listed}{more} ({what})"


def unknown_keys(present: Sequence[str], known: set[str]) -> list[str]:
    return [k for k in present if k not in known and k not in STREAMLIT_PARAMS]


def share_url(base: str, values: dict[str, list[str]]) -> str:
    """``base`` plus a query string with repeated keys, as Streamlit's binding reads it."""
    pairs = [(k, v) for k, vs in values.items() for v in vs]
    query = urlencode(pairs)
    return f"{base}?{query}" if query else base
