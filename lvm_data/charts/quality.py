"""Missing answers per item: which questions did people leave blank?"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lvm_data.charts.style import (MUTED_COLOR, TEXT_COLOR, apply_layout, empty_figure,
                                   escape_label, is_empty, shorten)

BAR_COLOR = "#5B6B7A"


def missingness_bars(table: pd.DataFrame, title: str | None = None) -> go.Figure:
    """One horizontal bar per item (instrument order, top down): the share left blank.

    ``table`` is ``store.quality.missingness``: a masked item (its count, or the rest, is
    1..k-1) has no share and is drawn as a label only, never as a bar of its true length.
    Item ids and texts come from files, so they are escaped.
    """
    if is_empty(table, ("item_id", "share", "shown")):
        return empty_figure("No items to show.")
    share = pd.to_numeric(table["share"], errors="coerce")
    labels = [escape_label(i) for i in table["item_id"]]
    hover = [f"<b>{escape_label(i)}</b> {escape_label(shorten(t, 80))}<br>left blank: "
             f"{escape_label(s)}" for i, t, s in zip(table["item_id"], table["text"],
                                                    table["shown"])]
    top = max(float(share.max(skipna=True) or 0), 0.01)
    fig = go.Figure(go.Bar(
        x=share.fillna(0) * 100, y=labels, orientation="h", marker_color=BAR_COLOR,
        text=[escape_label(s) for s in table["shown"]], textposition="outside",
        textfont={"color": TEXT_COLOR, "size": 12}, cliponaxis=False,
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    apply_layout(fig, title, height=max(300, 90 + 24 * len(table)), showlegend=False)
    fig.update_xaxes(range=[0, top * 100 * 1.35], ticksuffix="%", title_text="Left blank "
                     "(share of the wave's respondents)", gridcolor="#EEEEEE")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 12, "color": MUTED_COLOR})
    return fig
