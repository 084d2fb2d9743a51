"""Compare: do two selections differ, dimension by dimension, beyond the noise?"""
import streamlit as st

from lvm_data import charts, store
from lvm_ui import bound, common, compare_start, effects_view, filters, layout
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()

WAVE = "wave"


def _label(option: str) -> str:
    return "Survey wave" if option == WAVE else common.attr_label(option)


def sides(f: filters.Filters) -> tuple[store.Selection, store.Selection] | None:
    """Two selections from the same attribute (or two waves), chosen in three boxes."""
    c1, c2, c3 = st.columns(3)
    by = bound.select("Compare", [WAVE, *f.attributes], "compare_by", index=1,
                      format_func=_label, what="not something to compare by", container=c1)
    values = list(f.waves) if by == WAVE else \
        list(common.query(f.version, "attribute_values", name=by, wave=f.wave))
    if len(values) < 2:
        st.info(f"There is only one {_label(by).lower()} to choose: nothing to compare.")
        return None
    first, second = compare_start.defaults(f, by, values, len(values) - 1 if by == WAVE else 0,
                                           len(values) - 2 if by == WAVE else 1)
    a = bound.select("Selection A", values, "side_a", index=first, container=c2,
                     what=f"not a {_label(by).lower()}")
    b = bound.select("Selection B", values, "side_b", index=second, container=c3,
                     what=f"not a {_label(by).lower()}")
    if by == WAVE:
        return store.Selection(a, f.where, a), store.Selection(b, f.where, b)
    return (store.Selection(f.wave, {**f.where, by: [a]}, a),
            store.Selection(f.wave, {**f.where, by: [b]}, b))


def main() -> None:
    st.title("Compare")
    f = layout.require_data()
    if f is None:
        return
    chosen = sides(f)
    st.caption(compare_start.note(f, st.session_state.get("compare_by", "department"),
                                  _label(st.session_state.get("compare_by", "department"))))
    if chosen is None:
        return
    a, b = chosen
    if a.label == b.label:
        st.info("Choose two different selections to compare.")
        return
    result = common.compare(f.version, a, b, f.min_group)
    if common.withheld(result):
        return
    st.subheader(f"{common.md(a.label)} minus {common.md(b.label)}", anchor=False)
    st.caption("Difference in orientation points per dimension with its 95% confidence "
               "interval; an interval that crosses 0 is not a clear difference. ● marks a "
               "meaningful difference (see below the table).")
    common.chart(charts.compare_diff(result.table, a.label, b.label), "compare")
    if result.hidden_cells:
        st.caption(f"{result.hidden_cells} dimension(s) left out: on one side too few "
                   "respondents are counted there, or showing it would reveal fewer than "
                   f"{result.min_group_size} people by comparison.")
    effects_view.compare_effects(result, a.label, b.label)


main()
