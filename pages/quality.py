"""Data quality: careless responses (straight-lining, speeders) and blank items, per wave.

Admin-only, like the Data page: it shows per-wave details of how the data were cleaned, and
counts of a few flagged people are figures about them (shown as "fewer than k").
"""
import streamlit as st

from lvm_data import charts, quality
from lvm_data.store import quality as quality_store
from lvm_ui import common, gate, layout
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()


def _setting_text(flags: list[str]) -> str:
    return ", ".join(quality.LABELS[f].split(" (")[0].lower() for f in flags) or "none"


def flags_section(cur, wave: str, k: int) -> None:
    result = quality_store.flags(cur, wave=wave, min_group_size=k)
    if result.empty:
        st.info(common.md(result.message or "Nothing to show."))
        return
    extra = result.extra
    cols = st.columns(4)
    checked = extra["checked"]
    cols[0].metric("Checked at import", "—" if checked is None else f"{checked:,}")
    for col, row in zip(cols[1:3], result.table.itertuples()):
        share = "" if row.share is None or row.share != row.share else f" ({row.share:.1%})"
        col.metric(quality.LABELS[row.flag].split(" (")[0], f"{row.shown}{share}",
                   help=quality.LABELS[row.flag])
    cols[3].metric("Left out at import", extra["excluded"])
    if not extra["timed"]:
        st.caption("This export had no completion times, so speeders cannot be checked.")
    elif extra["median_duration_s"] is not None:
        st.caption(f"Median completion time: {extra['median_duration_s'] / 60:.1f} minutes; "
                   "a speeder took less than a third of it.")
    now = quality.excluded_by_settings()
    text = (f"**Excluded from every score in this wave:** "
            f"{_setting_text(extra['excluded_flags'])} (recorded when it was imported).")
    if list(now) != list(extra["excluded_flags"]):
        text += (f" The current setting `exclude_flagged` excludes {_setting_text(list(now))}; "
                 "it applies to the next import only, so this wave's numbers stay as they "
                 "were. Import the file again, replacing the wave, to apply it here.")
    st.markdown(text)


def main() -> None:
    gate.require_admin()              # not in the navigation for others either
    st.title("Data quality")
    f = layout.require_data()
    if f is None:
        return
    cur = common.cursor()
    wave = f.wave
    st.caption(f"Wave {common.md(wave)}, all of its respondents: the sidebar's other filters "
               "do not apply here, so no count of a few flagged people can be narrowed "
               f"down. Counts below {f.min_group} are shown as “fewer than {f.min_group}”.")
    st.subheader("Careless responses", anchor=False)
    flags_section(cur, wave, f.min_group)
    st.subheader("Blank answers by item", anchor=False)
    missing = quality_store.missingness(cur, wave=wave, min_group_size=f.min_group)
    if missing.empty:
        st.info(common.md(missing.message or "Nothing to show."))
        return
    common.chart(charts.missingness_bars(missing.table), "missingness")


main()
