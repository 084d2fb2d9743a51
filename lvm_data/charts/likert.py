"""Diverging stacked Likert bars: how answers to each item spread around the midpoint."""
from __future__ import annotations

import pandas as pd
import plotly.colors as pc
import plotly.graph_objects as go

from lvm_data.charts.style import (
    LEADERSHIP_COLOR, MANAGEMENT_COLOR, MUTED_COLOR, TEXT_COLOR, apply_layout, empty_figure,
    escape_label, is_empty, num, shorten, top_legend, wrap)

# Purple-green (ColorBrewer PRGn, colour-blind safe) keeps agreement apart from the pole colours.
LIKERT_SCALE = pc.make_colorscale(pc.diverging.PRGn)
LIKERT_NEUTRAL = "#D4D4D4"
POLE_ORDER = {"leadership": 0, "management": 1}
X_TITLE = (f"% of respondents (left of 0: below the midpoint, right: above)<br>"
           f"<span style='color:{LEADERSHIP_COLOR}'>■</span> leadership item   "
           f"<span style='color:{MANAGEMENT_COLOR}'>■</span> management item")
POLE_COLORS = {"leadership": LEADERSHIP_COLOR, "management": MANAGEMENT_COLOR}


def likert_color(value: float, scale_min: float, scale_max: float) -> str:
    """Below the midpoint purple, above green, darker with distance; the midpoint grey."""
    mid = (scale_min + scale_max) / 2
    if value == mid:
        return LIKERT_NEUTRAL
    dist = abs(value - mid) / max(mid - scale_min, 1e-9)
    t = 0.5 - 0.1 - 0.35 * dist if value < mid else 0.5 + 0.1 + 0.35 * dist
    return pc.sample_colorscale(LIKERT_SCALE, [min(max(t, 0.0), 1.0)])[0]


def _items(df: pd.DataFrame) -> pd.DataFrame:
    """One row per item, leadership items first, else the order the store returned."""
    items = df.drop_duplicates("item_id").copy()
    for col, default in (("text", None), ("pole", ""), ("reverse", False)):
        if col not in items.columns:
            items[col] = items["item_id"] if default is None else default
    items["_pole"] = items["pole"].astype(str).str.lower()
    items["_rank"] = items["_pole"].map(POLE_ORDER).fillna(2)
    return items.sort_values("_rank", kind="stable").reset_index(drop=True)


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y", "t")
    return not pd.isna(value) and bool(value)


def _item_label(row: pd.Series) -> str:
    text = wrap(shorten(row["text"], 60), 34)
    if _truthy(row["reverse"]):
        text += " <i>(reversed)</i>"
    color = POLE_COLORS.get(row["_pole"])
    return f"<span style='color:{color}'>■</span> {text}" if color else text


def _scale_values(df: pd.DataFrame, scale_min: float, scale_max: float) -> list[float]:
    values = set(df["value"].tolist())
    if float(scale_min).is_integer() and float(scale_max).is_integer() \
            and scale_max - scale_min <= 20:
        values |= {float(v) for v in range(int(scale_min), int(scale_max) + 1)}
    return sorted(values)


def _trace(value: float, sign: int, half: bool, ctx: dict) -> go.Bar:
    """Bars for one answer value; sign puts it left or right of 0, half splits the neutral."""
    share = ctx["share"].get(value, pd.Series(0.0, index=ctx["ids"])).reindex(ctx["ids"])
    count = ctx["count"].get(value, pd.Series(0.0, index=ctx["ids"])).reindex(ctx["ids"])
    share, count = share.fillna(0.0) * 100, count.fillna(0.0)
    x = [sign * s * (0.5 if half else 1.0) for s in share]
    label = escape_label(ctx["labels"][value])
    hover = [f"<b>{wrap(t, 60)}</b><br>{num(value, 0)} = {label}: {num(s)}% "
             f"({num(c, 0)} of n = {num(ctx['n'][i], 0)})"
             for i, t, s, c in zip(ctx["ids"], ctx["texts"], share, count)]
    return go.Bar(
        x=x, y=ctx["ids"], orientation="h", name=f"{num(value, 0)} {label}",
        legendgroup=str(value), legendrank=100 + ctx["values"].index(value),
        showlegend=not (half and sign < 0),
        marker={"color": likert_color(value, ctx["smin"], ctx["smax"]),
                "line": {"color": "white", "width": 0.5}},
        text=["" if half or s < 6 else f"{s:.0f}%" for s in share],
        textposition="inside", insidetextanchor="middle", textangle=0, textfont={"size": 12},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")


def _context(df: pd.DataFrame, items: pd.DataFrame, smin: float, smax: float) -> dict:
    ids = [escape_label(i) for i in items["item_id"].astype(str)]
    df = df.assign(item_id=[escape_label(i) for i in df["item_id"].astype(str)])
    if "count" not in df.columns:
        df["count"] = float("nan")
    share = df.pivot_table(index="item_id", columns="value", values="share", aggfunc="sum")
    count = df.pivot_table(index="item_id", columns="value", values="count", aggfunc="sum")
    values = _scale_values(df, smin, smax)
    label_rows = df.dropna(subset=["label"]) if "label" in df.columns else df.iloc[0:0]
    labels = dict(zip(label_rows["value"], label_rows["label"].astype(str)))
    return {"ids": ids, "texts": items["text"].astype(str).tolist(), "values": values,
            "share": share.to_dict("series"), "count": count.to_dict("series"),
            "n": count.sum(axis=1).reindex(ids).to_dict(), "smin": smin, "smax": smax,
            "labels": {v: labels.get(v, "") for v in values}}


def likert_bars(dist: pd.DataFrame, scale_min: float, scale_max: float,
                title: str | None = None) -> go.Figure:
    """Answers below the midpoint stack left of 0, above it right; the midpoint splits in half."""
    if is_empty(dist, ("item_id", "value", "share")):
        return empty_figure("No answers to show: the items may be hidden by the anonymity minimum.")
    df = dist.assign(value=pd.to_numeric(dist["value"], errors="coerce"),
                     share=pd.to_numeric(dist["share"], errors="coerce")).dropna(subset=["value"])
    if df.empty:
        return empty_figure("No answers to show.")
    items = _items(df)
    ctx = _context(df, items, scale_min, scale_max)
    mid = (scale_min + scale_max) / 2
    below = [v for v in ctx["values"] if v < mid][::-1]
    above = [v for v in ctx["values"] if v > mid]
    neutral = [v for v in ctx["values"] if v == mid]
    # Trace order = stacking order outward from 0: neutral halves first, then by distance.
    traces = [_trace(v, -1, True, ctx) for v in neutral]
    traces += [_trace(v, -1, False, ctx) for v in below]
    traces += [_trace(v, 1, True, ctx) for v in neutral]
    traces += [_trace(v, 1, False, ctx) for v in above]
    fig = go.Figure(traces)
    apply_layout(fig, title, height=max(320, 200 + 44 * len(items)), top=110, bargap=0.3,
                 barmode="relative", legend={**top_legend(), "traceorder": "normal"},
                 uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_xaxes(range=[-100, 100], tickvals=list(range(-100, 101, 25)),
                     ticktext=[f"{abs(v)}%" for v in range(-100, 101, 25)],
                     title_text=X_TITLE)
    fig.update_yaxes(categoryorder="array", categoryarray=ctx["ids"], autorange="reversed",
                     tickmode="array", tickvals=ctx["ids"],
                     ticktext=[_item_label(r) for _, r in items.iterrows()])
    fig.add_vline(x=0, line={"color": TEXT_COLOR, "width": 1})
    _pole_separator(fig, items)
    return fig


def _pole_separator(fig: go.Figure, items: pd.DataFrame) -> None:
    """A thin line between the leadership and the management items."""
    n_lead = int((items["_pole"] == "leadership").sum())
    if 0 < n_lead < len(items):
        fig.add_hline(y=n_lead - 0.5, line={"color": MUTED_COLOR, "width": 1, "dash": "dot"})
