"""Quadrant map: each group placed by its leadership and management pole means."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (
    ALL_GROUP, ALL_LABEL, ARCHETYPE_COLORS, MANAGEMENT_TEXT, MUTED_COLOR, apply_layout, dim_label,
    empty_figure, floats, group_label, is_empty, num, signed, wrap)

PLOT_PX = 520           # approximate plot side in px, for label collision estimates
MAX_BUBBLE_PX = 46      # diameter of the largest group's bubble
ALL_MARKER_PX = 16      # the "all respondents" reference diamond, not scaled by n
LABEL_TEXT = {**ARCHETYPE_COLORS, "Management-led": MANAGEMENT_TEXT, "Developing": MUTED_COLOR}
POSITIONS = ("top center", "bottom center", "middle right", "middle left")


def _mean_over_dimensions(scores: pd.DataFrame) -> pd.DataFrame:
    """Each group's unweighted mean over the dimensions it has scores for; n = largest n."""
    df = scores.assign(n=pd.to_numeric(scores["n"], errors="coerce") if "n" in scores
                       else float("nan"))
    out = df.groupby("group", sort=False).agg(
        leadership=("leadership", "mean"), management=("management", "mean"),
        orientation=("orientation", "mean"), n=("n", "max"), dims=("dimension", "nunique"))
    return out.reset_index()


def archetype_of(lead: float, mgmt: float, mid: float) -> str:
    """Same rule as scoring: high = score >= the scale midpoint."""
    high_l, high_m = lead >= mid, mgmt >= mid
    if high_l and high_m:
        return "Integrator"
    if high_l:
        return "Leadership-led"
    return "Management-led" if high_m else "Developing"


def _box(pos: str, cx: float, cy: float, r: float, text: str) -> tuple:
    """Pixel box (x0, y0, x1, y1) a label would take at a textposition (y grows upward)."""
    lines = text.split("<br>")
    w, h = 7.5 * max(len(t) for t in lines) + 4, 17 * len(lines)
    cx, cy = {"top center": (cx, cy + r + h / 2), "bottom center": (cx, cy - r - h / 2),
              "middle right": (cx + r + w / 2 + 3, cy),
              "middle left": (cx - r - w / 2 - 3, cy)}[pos]
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _overlap(a: tuple, b: tuple) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _cost(box: tuple, others: list) -> float:
    """Overlap with other bubbles/labels plus any part outside the plot (it would hit ticks)."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    outside = area - _overlap(box, (0, 0, PLOT_PX, PLOT_PX))
    return outside + sum(_overlap(box, o) for o in others)


def label_positions(x: list, y: list, diam: list, texts: list, span: tuple) -> list[str]:
    """Greedy placement: 'top center' unless that label would hit a bubble or another label."""
    scale = PLOT_PX / (span[1] - span[0])
    pts = [((xi - span[0]) * scale, (yi - span[0]) * scale, d / 2) for xi, yi, d in zip(x, y, diam)]
    bubbles = [(px - r, py - r, px + r, py + r) for px, py, r in pts]
    placed: list[tuple] = []
    out = ["top center"] * len(x)
    for i in sorted(range(len(x)), key=lambda k: -diam[k]):
        px, py, r = pts[i]
        others = placed + [b for k, b in enumerate(bubbles) if k != i]
        cost = {p: _cost(_box(p, px, py, r, texts[i]), others) for p in POSITIONS}
        out[i] = min(POSITIONS, key=lambda p: (cost[p] > 0, cost[p], POSITIONS.index(p)))
        placed.append(_box(out[i], px, py, r, texts[i]))
    return out


def _bubble_hover(row: pd.Series, arche: str, dimension: str | None) -> str:
    what = dim_label(dimension) if dimension else f"mean of {int(row['dims'])} dimensions"
    n_note = "" if dimension else " (best-covered dimension)"
    return (f"<b>{group_label(row['group'])}</b> · {what}<br>n = {num(row['n'], 0)}{n_note}<br>"
            f"Leadership pole: {num(row['leadership'], 2)}<br>"
            f"Management pole: {num(row['management'], 2)}<br>"
            f"Orientation: {signed(row['orientation'])}<br>Quadrant: {arche}")


def _texts(df: pd.DataFrame) -> list[str]:
    return [wrap(group_label(g), 24) for g in df["group"]]


def _marker_px(df: pd.DataFrame, sizeref: float, reference: bool) -> tuple[list, list]:
    """(plotly marker sizes, their on-screen diameters): sqrt(n) for groups, fixed for "all"."""
    if reference:
        return [ALL_MARKER_PX] * len(df), [ALL_MARKER_PX] * len(df)
    size = [math.sqrt(max(v or 0.0, 1.0)) for v in floats(df, "n")]
    return size, [max(s / sizeref, 8) for s in size]


def _bubbles(df: pd.DataFrame, dimension, mid: float, sizeref: float, positions: list,
             reference: bool) -> go.Scatter:
    """One scatter trace; the population ("all") is a fixed-size grey reference diamond."""
    arches = [archetype_of(r["leadership"], r["management"], mid) for _, r in df.iterrows()]
    size, _ = _marker_px(df, sizeref, reference)
    return go.Scatter(
        x=floats(df, "management"), y=floats(df, "leadership"), mode="markers+text",
        name=ALL_LABEL if reference else "Groups", text=_texts(df),
        textfont={"size": 13}, textposition=positions, cliponaxis=False,
        marker={"size": size, "sizemode": "diameter", "sizemin": 8,
                "sizeref": 1 if reference else sizeref, "opacity": 0.75,
                "color": "#4D4D4D" if reference else [ARCHETYPE_COLORS[a] for a in arches],
                "symbol": "diamond" if reference else "circle",
                "line": {"color": "white", "width": 1.5}},
        hovertext=[_bubble_hover(r, a, dimension) for (_, r), a in zip(df.iterrows(), arches)],
        hovertemplate="%{hovertext}<extra></extra>", showlegend=False)


def quadrant_map(scores: pd.DataFrame, dimension: str | None, scale_min: float,
                 scale_max: float, title: str | None = None) -> go.Figure:
    """Groups as bubbles: x = management pole, y = leadership pole, area ~ n.

    With ``dimension=None`` each group sits at its unweighted mean over the dimensions it
    has scores for (every dimension counts equally) and n is its largest per-dimension n.
    Group bubbles are trace 0; the "all" reference diamond, if present, is the last trace.
    """
    if is_empty(scores, ("group", "dimension", "leadership", "management")):
        return empty_figure("No group scores to map: groups may be below the anonymity minimum.")
    df = scores.dropna(subset=["leadership", "management"])
    if dimension is not None:
        df = df[df["dimension"].astype(str) == str(dimension)].drop_duplicates("group")
        df = df.assign(dims=1)
    if df.empty:
        where = f" for {dim_label(dimension)}" if dimension else ""
        return empty_figure(f"No group scores{where} to map.")
    df = _mean_over_dimensions(df) if dimension is None else df
    is_all = df["group"].astype(str) == ALL_GROUP
    parts = [(p, ref) for p, ref in ((df[~is_all], False), (df[is_all], True)) if not p.empty]
    n_max = max([v or 1.0 for v in floats(df[~is_all], "n")] + [1.0])
    sizeref = math.sqrt(n_max) / MAX_BUBBLE_PX
    # Labels of both traces are placed together so they avoid each other.
    every = pd.concat([p for p, _ in parts])
    diam = [d for p, ref in parts for d in _marker_px(p, sizeref, ref)[1]]
    positions = label_positions(floats(every, "management"), floats(every, "leadership"), diam,
                                _texts(every), (scale_min, scale_max))
    mid, traces, start = (scale_min + scale_max) / 2, [], 0
    for part, ref in parts:
        traces.append(_bubbles(part, dimension, mid, sizeref,
                               positions[start:start + len(part)], ref))
        start += len(part)
    fig = go.Figure(traces)
    _quadrant_axes(fig, dimension, scale_min, scale_max, title)
    return fig


def _quadrant_labels(fig: go.Figure, smin: float, smax: float) -> None:
    corners = {"Integrator": (smax, smax, "right", "top"),
               "Leadership-led": (smin, smax, "left", "top"),
               "Management-led": (smax, smin, "right", "bottom"),
               "Developing": (smin, smin, "left", "bottom")}
    for name, (x, y, xa, ya) in corners.items():
        fig.add_annotation(x=x, y=y, xanchor=xa, yanchor=ya, text=f"<b>{name}</b>",
                           showarrow=False, font={"size": 14, "color": LABEL_TEXT[name]},
                           bgcolor="rgba(255,255,255,0.8)", borderpad=4)


def _quadrant_axes(fig: go.Figure, dimension, smin: float, smax: float, title) -> None:
    mid = (smin + smax) / 2
    scale = f"{num(smin, 0)}–{num(smax, 0)}"
    what = dim_label(dimension) if dimension else "mean over dimensions"
    apply_layout(fig, title, height=640, top=50)
    fig.update_xaxes(range=[smin, smax], title_text=f"Management pole ({what}, {scale})",
                     zeroline=False, constrain="domain")
    fig.update_yaxes(range=[smin, smax], title_text=f"Leadership pole ({what}, {scale})",
                     zeroline=False, scaleanchor="x", scaleratio=1, constrain="domain")
    fig.add_vline(x=mid, line={"dash": "dash", "color": MUTED_COLOR, "width": 1.5})
    fig.add_hline(y=mid, line={"dash": "dash", "color": MUTED_COLOR, "width": 1.5})
    _quadrant_labels(fig, smin, smax)
