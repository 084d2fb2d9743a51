"""Two groups side by side: where does group A lean differently from group B?"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (
    TEXT_COLOR, ci_text, dim_label, dots_frame, empty_figure, error_arrays,
    escape_label, floats, is_empty, num, safe_dim, shorten, sign_color, signed, symmetric_extent,
    wrap)


def _diff_hover(row: pd.Series, label_a: str, label_b: str) -> str:
    return (f"<b>{safe_dim(row['dimension'])}</b><br>"
            f"Difference {label_a} − {label_b}: {signed(row['difference'])} points "
            f"({ci_text(row.get('ci_low'), row.get('ci_high'))})<br>"
            f"{label_a}: {signed(row.get('orientation_a'))} (n = {num(row.get('n_a'), 0)})<br>"
            f"{label_b}: {signed(row.get('orientation_b'))} (n = {num(row.get('n_b'), 0)})"
            + (f"<br>Cohen's d = {signed(row['d'], 2)} ({ci_text(row['d_ci_low'], row['d_ci_high'], 2)})"
               if "d" in row else ""))


def _symmetric_range(values: list) -> float:
    """Half-width of a symmetric axis that holds every CI end, rounded up to 10 points."""
    finite = [abs(v) for v in values if v is not None and not math.isnan(v)]
    return symmetric_extent(max(finite, default=0) * 1.1, 10, 20, 200)


def compare_diff(comparison: pd.DataFrame, label_a: str, label_b: str,
                 title: str | None = None) -> go.Figure:
    """Orientation difference (a − b) per dimension as a dot with its 95% CI.

    The labels name user selections (filter values from uploaded files), so they are
    escaped before they meet hover, axis or annotation markup.
    """
    if is_empty(comparison, ("dimension", "difference")):
        return empty_figure("Nothing to compare: one of the groups may be below the "
                            "anonymity minimum.")
    df = comparison.dropna(subset=["difference"]).drop_duplicates("dimension")
    if df.empty:
        return empty_figure("Nothing to compare: no dimension has scores for both groups.")
    raw_a, raw_b = shorten(label_a, 32), shorten(label_b, 32)
    a, b = escape_label(raw_a), escape_label(raw_b)
    x = floats(df, "difference")
    lows, highs = floats(df, "ci_low"), floats(df, "ci_high")
    plus, minus = error_arrays(x, lows, highs)
    marked = df["meaningful"].fillna(False).astype(bool) if "meaningful" in df else \
        [False] * len(df)
    fig = go.Figure(go.Scatter(
        x=x, y=[wrap(dim_label(d)) + (" ●" if m else "") for d, m in zip(df["dimension"], marked)],
        mode="markers",
        marker={"size": 14, "color": [sign_color(v) for v in x],
                "line": {"color": "white", "width": 1}},
        error_x={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
                 "color": TEXT_COLOR, "thickness": 1.5, "width": 6},
        hovertext=[_diff_hover(r, a, b) for _, r in df.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>", name="Difference"))
    x_title = wrap(f"Orientation difference in points ({raw_a} − {raw_b}), 95% CI", 70)
    return dots_frame(fig, title, len(df), _symmetric_range(x + lows + highs), x_title,
                      f"← {a} leans more to management", f"{a} leans more to leadership →")
