"""How wide the browser draws a chart's tick labels, for ``charts.margins``.

Streamlit's chart theme sets Plotly's text in the theme's font, which for this app's
"sans-serif" (.streamlit/config.toml) is the Source Sans Streamlit bundles, at 12 px for
tick labels, so every browser draws the same widths: measured here with Pillow (already
installed with Streamlit) from that very font file, they match the browser's to 0.1 px.
A character outside the font's Latin, Greek and Cyrillic ranges may be drawn by another
font, so its label is not measured (the chart then measures itself, as before).
"""
from __future__ import annotations

import functools
from pathlib import Path

import streamlit

TICK_PX = 12
_WEIGHT = 400            # the variable font's regular weight (its default instance is 200)
_KNOWN = ((0x20, 0x24F), (0x370, 0x4FF), (0x2010, 0x2027), (0x2212, 0x2212))


@functools.cache
def _font():
    from PIL import ImageFont
    if streamlit.get_option("theme.font") not in (None, "", "sans-serif"):
        return None                  # a theme font of the operator's: not measured here
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    found = sorted(media.glob("SourceSansVF-Upright*.woff2"))
    if not found:
        return None                  # another Streamlit: measure nothing
    try:
        font = ImageFont.truetype(str(found[0]), TICK_PX)
        font.set_variation_by_axes([_WEIGHT])
    except (OSError, ValueError):
        return None
    return font


def tick_width(text: str) -> float | None:
    """Width in px of one line of tick text, or None when it cannot be told."""
    font = _font()
    if font is None or not all(any(lo <= ord(c) <= hi for lo, hi in _KNOWN) for c in text):
        return None
    return font.getlength(text)
