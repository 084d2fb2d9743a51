"""Quadrant map: each group placed by its leadership and management pole means."""
from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (
    ALL_GROUP, ALL_LABEL, ARCHETYPE_COLORS, MANAGEMENT_TEXT, MUTED_COLOR, apply_layout, dim_label,
    empty_figure, floats, group_label, is_empty, num, safe_dim, safe_group, signed, wrap)

PLOT_PX = 500           # approximate plot side in px, for label collision estimates
MAX_BUBBLE_PX = 46      # diameter of the largest group's bubble
ALL_MARKER_PX = 16      # the "all respondents" reference diamond, not scaled by n
MAX_LABELS = 12         # more names than this turn a dense map into an unreadable cluster
PAD = 0.12              # padding around the data, as a share of its spread
MID_ROOM = 0.25         # the midpoint stays at least this share of the axis from either end
MAX_COVER = 0.25        # a name may cover at most this share of its box with other bubbles
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


def axis_range(values: list, smin: float, smax: float) -> list[float]:
    """Zoom to the data: its spread plus PAD, always holding the midpoint with MID_ROOM on
    both sides (so the quadrant lines and corner labels stay visible), within the scale."""
    mid = (smin + smax) / 2
    vals = [v for v in values if v is not None] + [mid]
    lo, hi = min(vals), max(vals)
    pad = max(PAD * (hi - lo), 0.04 * (smax - smin))
    lo, hi = lo - pad, hi + pad
    if mid - lo < MID_ROOM * (hi - lo):
        lo = (mid - MID_ROOM * hi) / (1 - MID_ROOM)
    if hi - mid < MID_ROOM * (hi - lo):
        hi = (mid - MID_ROOM * lo) / (1 - MID_ROOM)
    return [max(lo, smin), min(hi, smax)]


def equal_spans(xr: list, yr: list, smin: float, smax: float) -> tuple[list, list]:
    """Widen the narrower range around its centre so one scale point is as long on both
    axes (the map stays square), shifting back inside the scale where needed."""
    span = max(xr[1] - xr[0], yr[1] - yr[0])
    out = []
    for lo, hi in (xr, yr):
        extra = (span - (hi - lo)) / 2
        lo, hi = lo - extra, hi + extra
        shift = max(0.0, smin - lo) - max(0.0, hi - smax)
        out.append([max(lo + shift, smin), min(hi + shift, smax)])
    return out[0], out[1]


def _box(pos: str, cx: float, cy: float, r: float, text: str) -> tuple:
    """Pixel box (x0, y0, x1, y1) a label would take at a textposition (y grows upward)."""
    lines = html.unescape(text).split("<br>")
    w, h = 7.5 * max(len(t) for t in lines) + 4, 17 * len(lines)
    cx, cy = {"top center": (cx, cy + r + h / 2), "bottom center": (cx, cy - r - h / 2),
              "middle right": (cx + r + w / 2 + 3, cy),
              "middle left": (cx - r - w / 2 - 3, cy)}[pos]
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _overlap(a: tuple, b: tuple) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _cost(box: tuple, labels: list, bubbles: list) -> tuple[float, float]:
    """(hard, soft): overlap with other labels, with the plot edge, or with more than
    MAX_COVER of bubbles makes a name unreadable; a little bubble overlap only costs."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    outside = area - _overlap(box, (0, 0, PLOT_PX, PLOT_PX))
    cover = sum(_overlap(box, o) for o in bubbles)
    gap = (box[0] - 6, box[1] - 8, box[2] + 6, box[3] + 8)  # names touching read as one
    hard = outside + sum(_overlap(gap, o) for o in labels)
    return hard + (cover if cover > MAX_COVER * area else 0.0), cover


def corner_boxes() -> list[tuple]:
    """Where the four quadrant names sit (pixels), so group names keep clear of them."""
    boxes = []
    for name, (right, top) in {"Integrator": (1, 1), "Leadership-led": (0, 1),
                               "Management-led": (1, 0), "Developing": (0, 0)}.items():
        w, h = 8.5 * len(name) + 8, 26
        x0, y0 = (PLOT_PX - w if right else 0), (PLOT_PX - h if top else 0)
        boxes.append((x0, y0, x0 + w, y0 + h))
    return boxes


def label_positions(x: list, y: list, diam: list, texts: list, ranges: tuple,
                    order: list[int], limit: int = MAX_LABELS,
                    always: frozenset = frozenset()) -> list[str | None]:
    """Greedy placement in ``order`` (most important first): each label takes the position
    that hits no other label and fewest bubbles; a label that cannot avoid other labels,
    the plot edge or a pile of bubbles is left out (None). At most ``limit`` labels are
    placed, not counting the ``always`` ones (the population diamond), which always are."""
    (x0, x1), (y0, y1) = ranges
    pts = [((xi - x0) * PLOT_PX / (x1 - x0), (yi - y0) * PLOT_PX / (y1 - y0), d / 2)
           for xi, yi, d in zip(x, y, diam)]
    bubbles = [(px - r, py - r, px + r, py + r) for px, py, r in pts]
    placed: list[tuple] = corner_boxes()
    out: list[str | None] = [None] * len(x)
    budget = limit
    for i in order:
        if budget <= 0 and i not in always:
            continue
        px, py, r = pts[i]
        others = [b for k, b in enumerate(bubbles) if k != i]
        cost = {p: _cost(_box(p, px, py, r, texts[i]), placed, others) for p in POSITIONS}
        best = min(POSITIONS, key=lambda p: (cost[p], POSITIONS.index(p)))
        if cost[best][0] == 0 or i in always:
            out[i] = best
            placed.append(_box(best, px, py, r, texts[i]))
            budget -= i not in always
    return out


def _bubble_hover(row: pd.Series, arche: str, dimension: str | None) -> str:
    what = safe_dim(dimension) if dimension else f"mean of {int(row['dims'])} dimensions"
    n_note = "" if dimension else " (best-covered dimension)"
    return (f"<b>{safe_group(row['group'])}</b> · {what}<br>n = {num(row['n'], 0)}{n_note}<br>"
            f"Leadership pole: {num(row['leadership'], 2)}<br>"
            f"Management pole: {num(row['management'], 2)}<br>"
            f"Orientation: {signed(row['orientation'])}<br>Quadrant: {arche}")


def _texts(df: pd.DataFrame) -> list[str]:
    return [wrap(group_label(g), 26) for g in df["group"]]


def _marker_px(df: pd.DataFrame, sizeref: float, reference: bool) -> tuple[list, list]:
    """(plotly marker sizes, their on-screen diameters): sqrt(n) for groups, fixed for "all"."""
    if reference:
        return [ALL_MARKER_PX] * len(df), [ALL_MARKER_PX] * len(df)
    size = [math.sqrt(max(v or 0.0, 1.0)) for v in floats(df, "n")]
    return size, [max(s / sizeref, 8) for s in size]


def _bubbles(df: pd.DataFrame, dimension, mid: float, sizeref: float, positions: list,
             reference: bool) -> go.Scatter:
    """One scatter trace; the population ("all") is a fixed-size grey reference diamond.

    Unlabelled groups get an empty text: their name is in the hover only.
    """
    arches = [archetype_of(r["leadership"], r["management"], mid) for _, r in df.iterrows()]
    size, _ = _marker_px(df, sizeref, reference)
    text = [t if p else "" for t, p in zip(_texts(df), positions)]
    return go.Scatter(
        x=floats(df, "management"), y=floats(df, "leadership"), mode="markers+text",
        name=ALL_LABEL if reference else "Groups", text=text,
        textfont={"size": 13}, textposition=[p or "top center" for p in positions],
        cliponaxis=False,
        marker={"size": size, "sizemode": "diameter", "sizemin": 8,
                "sizeref": 1 if reference else sizeref, "opacity": 0.75,
                "color": "#4D4D4D" if reference else [ARCHETYPE_COLORS[a] for a in arches],
                "symbol": "diamond" if reference else "circle",
                "line": {"color": "white", "width": 1.5}},
        hovertext=[_bubble_hover(r, a, dimension) for (_, r), a in zip(df.iterrows(), arches)],
        hovertemplate="%{hovertext}<extra></extra>", showlegend=False)


def _label_order(every: pd.DataFrame, is_ref: list[bool]) -> list[int]:
    """The population diamond first, then groups from the largest n down."""
    n = [v if v is not None else 0.0 for v in floats(every, "n")]
    return sorted(range(len(every)), key=lambda i: (not is_ref[i], -n[i], i))


def quadrant_map(scores: pd.DataFrame, dimension: str | None, scale_min: float,
                 scale_max: float, title: str | None = None) -> go.Figure:
    """Groups as bubbles: x = management pole, y = leadership pole, area ~ n.

    With ``dimension=None`` each group sits at its unweighted mean over the dimensions it
    has scores for (every dimension counts equally) and n is its largest per-dimension n.
    Group bubbles are trace 0; the "all" reference diamond, if present, is the last trace.
    Axes zoom to the data (midpoint always inside); names are shown for at most
    MAX_LABELS groups, largest first, where they do not collide, and a caption says so.
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
    every = pd.concat([p for p, _ in parts])
    x, y = floats(every, "management"), floats(every, "leadership")
    ranges = equal_spans(axis_range(x, scale_min, scale_max),
                         axis_range(y, scale_min, scale_max), scale_min, scale_max)
    # Labels of both traces are placed together so they avoid each other.
    diam = [d for p, ref in parts for d in _marker_px(p, sizeref, ref)[1]]
    is_ref = [ref for p, ref in parts for _ in range(len(p))]
    positions = label_positions(x, y, diam, _texts(every), ranges, _label_order(every, is_ref),
                                always=frozenset(i for i, ref in enumerate(is_ref) if ref))
    mid, traces, start = (scale_min + scale_max) / 2, [], 0
    for part, ref in parts:
        traces.append(_bubbles(part, dimension, mid, sizeref,
                               positions[start:start + len(part)], ref))
        start += len(part)
    fig = go.Figure(traces)
    _quadrant_axes(fig, dimension, (scale_min, scale_max), ranges, title)
    shown = sum(p is not None for p, ref in zip(positions, is_ref) if not ref)
    _label_caption(fig, shown, len(is_ref) - sum(is_ref))
    return fig


def _label_caption(fig: go.Figure, shown: int, total: int) -> None:
    """Say which names are missing from the map (above the plot, left-aligned with it)."""
    if shown >= total:
        return
    text = (f"Names shown for the {shown} largest groups that fit without overlap; "
            f"hover for the other {total - shown}." if shown else
            f"Hover a bubble for the group name ({total} groups).")
    fig.add_annotation(text=text, x=0, y=1, xref="x domain", yref="y domain", xanchor="left",
                       yanchor="bottom", yshift=6, showarrow=False,
                       font={"size": 12, "color": MUTED_COLOR})


def _quadrant_labels(fig: go.Figure, xr: list, yr: list) -> None:
    """Quadrant names in the corners of the visible (zoomed) plot."""
    corners = {"Integrator": (xr[1], yr[1], "right", "top"),
               "Leadership-led": (xr[0], yr[1], "left", "top"),
               "Management-led": (xr[1], yr[0], "right", "bottom"),
               "Developing": (xr[0], yr[0], "left", "bottom")}
    for name, (x, y, xa, ya) in corners.items():
        fig.add_annotation(x=x, y=y, xanchor=xa, yanchor=ya, text=f"<b>{name}</b>",
                           showarrow=False, font={"size": 14, "color": LABEL_TEXT[name]},
                           bgcolor="rgba(255,255,255,0.8)", borderpad=4)


def _quadrant_axes(fig: go.Figure, dimension, scale: tuple, ranges: tuple, title) -> None:
    smin, smax = scale
    mid = (smin + smax) / 2
    xr, yr = ranges
    zoomed = "" if list(xr) == list(yr) == [smin, smax] else ", zoomed"
    what = safe_dim(dimension) if dimension else "mean over dimensions"
    about = f"{what}, {num(smin, 0)}–{num(smax, 0)} scale{zoomed}"
    apply_layout(fig, title, height=660, top=70)
    fig.update_xaxes(range=xr, title_text=f"Management pole ({about})",
                     zeroline=False, constrain="domain")
    fig.update_yaxes(range=yr, title_text=f"Leadership pole ({about})",
                     zeroline=False, scaleanchor="x", scaleratio=1, constrain="domain")
    fig.add_vline(x=mid, line={"dash": "dash", "color": MUTED_COLOR, "width": 1.5})
    fig.add_hline(y=mid, line={"dash": "dash", "color": MUTED_COLOR, "width": 1.5})
    _quadrant_labels(fig, xr, yr)
