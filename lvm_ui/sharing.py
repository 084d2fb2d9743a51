"""Admins turn the current view into a scoped share link, and manage the links.

The scope is the filters set in the sidebar (department, team, role, more filters),
optionally with the wave fixed; the viewer can narrow within it, never widen it
(``store.scope``). Creating and revoking call ``gate.require_admin()`` first.
"""
from __future__ import annotations

import streamlit as st

from lvm_data.store import shares

from . import common, filters, gate

_CREATED = "_lvm_share_created"


def _create(page_path: str) -> None:
    """From the form's widgets, as they are when the button is pressed."""
    gate.require_admin()
    f, form = filters.current(), st.session_state
    try:
        with common.writing() as con:
            share = shares.create(
                con.cursor(), f.where, wave=f.wave if form["_lvm_share_fix"] else None,
                page=page_path, label=form["_lvm_share_label"] or "",
                expires_days=int(form["_lvm_share_days"]),
                require_login=bool(form["_lvm_share_login"]),
                created_by=gate.email(gate.settings()) or "local admin")
    except ValueError as exc:
        st.session_state[_CREATED] = ("error", str(exc))
        return
    url = f"{common.page_url(share.page)}?share={share.id}"
    st.session_state[_CREATED] = ("ok", url)


def share_form(container, page_path: str) -> None:
    """'Share this view…': a stored link scoped to the current filters."""
    f = filters.current()
    if not f.has_data or page_path not in shares.PAGES:
        return
    with container.popover("Share this view…", icon=":material/share:"):
        if not f.where:
            st.caption("Choose a department, team or role in the filters first: the link "
                       "shows that part of the organisation only.")
            return
        st.caption(f"Scope: {f.describe()}. The viewer can narrow it, never widen it.")
        st.text_input("Label", key="_lvm_share_label", max_chars=200,
                              placeholder="e.g. Head of Sales")
        st.number_input("Expires after (days)", 1, shares.MAX_DAYS,
                               shares.DEFAULT_DAYS, key="_lvm_share_days")
        st.checkbox(f"Fix the wave ({common.md(f.wave)})", value=True, key="_lvm_share_fix")
        st.checkbox("Require sign-in", key="_lvm_share_login")
        st.button("Create link", type="primary", on_click=_create,
                  args=(page_path,), key="_lvm_share_create")
        if (done := st.session_state.get(_CREATED)) is not None:
            kind, text = done
            if kind == "ok":
                st.code(text, language=None, wrap_lines=True)
            else:
                st.error(common.md(text))


def _revoke(share_id: str) -> None:
    gate.require_admin()
    with common.writing() as con:
        shares.revoke(con.cursor(), share_id)


def links_section(cur) -> None:
    """The Data page's list of links, their openings, and revoking one."""
    gate.require_admin()
    st.header("Share links", anchor=False)
    table = shares.list_shares(cur)
    if table.empty:
        st.caption("No share links yet: set the filters, then *Share this view…* in the "
                   "sidebar, or `python -m lvm_data share create`.")
        return
    st.dataframe(table, hide_index=True, key="_lvm_share_table")
    live = table[~table["revoked"].astype(bool)]
    if not live.empty:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        names = dict(zip(live["id"], live["label"].fillna("")))
        chosen = c1.selectbox("Link", list(names), key="_lvm_share_revoke_id",
                              format_func=lambda i: f"{names[i] or '(no label)'} — {i[:8]}…")
        c2.button("Revoke", on_click=_revoke, args=(chosen,), icon=":material/link_off:")
    st.subheader("Openings", anchor=False)
    st.dataframe(shares.opens(cur), hide_index=True)
