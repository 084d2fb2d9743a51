"""Who is looking and what they may see, decided at the top of every run.

``access = "local"``: the person at the machine is the admin (the server listens on
localhost only). ``access = "login"``: ``st.login`` with the OpenID Connect provider in
``.streamlit/secrets.toml``; an e-mail in ``admins`` sees everything, anyone else only
what a share link (``?share=<id>``) grants. A share link is looked up on every run, so
revoking it stops an open page at its next rerun. Writes call ``require_admin()``, which
decides afresh rather than trusting what the page showed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from lvm_data import access
from lvm_data.store import scope as scopes
from lvm_data.store import shares

from . import bound, common, filters

_SHARE = "_lvm_share_id"          # the link this session was opened with
_LOGGED = "_lvm_share_logged"     # its opening has been logged
_VIEWER = "_lvm_viewer"
_COOKIE = "lvm_share_after_sign_in"


@dataclass(frozen=True)
class Viewer:
    mode: str
    email: str | None
    admin: bool
    share: shares.Share | None = None


def settings() -> access.Access:
    return access.load_access()


def email(acc: access.Access) -> str | None:
    """The signed-in e-mail (login mode only; the identity cookie is Streamlit's)."""
    if acc.mode != "login" or not st.user.get("is_logged_in"):
        return None
    return str(st.user.get("email") or "").strip().lower() or None


def require_admin() -> None:
    """Raise ``access.Forbidden`` unless this session belongs to an admin, outside any link."""
    acc = settings()
    if st.session_state.get(_SHARE):
        raise access.Forbidden("a share link's view cannot change data")
    access.require_admin(acc, email(acc))


def current() -> Viewer:
    return st.session_state[_VIEWER]


def decide(cur) -> Viewer:
    """The viewer of this run; draws the closed/sign-in/ask page and stops when needed."""
    acc = settings()
    mail = email(acc)
    share_id = st.query_params.get("share") or st.session_state.get(_SHARE) \
        or _returning(mail)
    if share_id:
        viewer = _through_link(cur, acc, mail, share_id)
    elif acc.is_admin(mail):
        viewer = Viewer(acc.mode, mail, True)
    else:
        _ask_page(acc, mail)          # stops the run
    st.session_state[_VIEWER] = viewer
    common.set_scope(scopes.Scope(viewer.share.where, viewer.share.wave)
                     if viewer.share else None)
    if viewer.share:
        _lock_filters(viewer.share)
    return viewer


def _through_link(cur, acc, mail, share_id: str) -> Viewer:
    share = shares.get(cur, share_id)
    if share is None or share.state() != "ok":
        _closed(share)
    if share.require_login and acc.mode == "login" and not mail:
        _remember(share.id, 900)      # sign-in returns to "/": come back to this link
        _sign_in("This link is for signed-in colleagues only.", acc)
    if st.session_state.get(_LOGGED) != share.id:
        shares.log_open(cur, share.id, mail)
        st.session_state[_LOGGED] = share.id
    st.session_state[_SHARE] = share.id
    st.query_params["share"] = share.id           # keeps the link in the address bar
    return Viewer(acc.mode, mail, False, share)


def _remember(share_id: str, seconds: int) -> None:
    """A short-lived browser cookie naming the link (the id of a stored link, so only
    URL-safe characters): Streamlit's sign-in always returns to the home page."""
    st.html(f"<script>document.cookie = '{_COOKIE}={share_id}; path=/; max-age={seconds}; "
            "SameSite=Lax';</script>", unsafe_allow_javascript=True, width="content")


def _returning(mail: str | None) -> str | None:
    """Just signed in from a link that asked for it: that link (and forget the cookie)."""
    share_id = st.context.cookies.get(_COOKIE) if mail else None
    if share_id and re.fullmatch(r"[A-Za-z0-9_-]{1,100}", share_id):
        _remember(share_id, 0)
        return share_id
    return None


def _stop_page(title: str) -> None:
    common.set_scope(None)
    st.title(title, anchor=False)


def _closed(share: shares.Share | None) -> None:
    """No figures: say why the link does not open, and nothing about the data."""
    _stop_page("This link does not open")
    st.session_state.pop(_SHARE, None)
    why = {"revoked": "It has been revoked.", "expired": "It has expired."}.get(
        share.state() if share else "", "It is not a valid share link.")
    st.error(f"{why} Ask the person who sent it for a new one.", icon=":material/link_off:")
    st.stop()


def _ask_page(acc: access.Access, mail: str | None) -> None:
    """For a visitor without a link: whom to ask; no figures, values or wave names."""
    _stop_page("Leadership vs Management")
    if mail is None:
        _sign_in("This dashboard is private.", acc)
    st.info(f"You are signed in as {common.md(mail)}, which has no access of its own. "
            f"Ask {common.md(acc.contact())} for a share link.", icon=":material/lock:")
    st.button("Sign out", on_click=st.logout)
    st.stop()


def _sign_in(why: str, acc: access.Access) -> None:
    _stop_page("Leadership vs Management")
    st.info(f"{why} Sign in with your organisation account, or ask "
            f"{common.md(acc.contact())} for a share link.", icon=":material/lock:")
    st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
    st.stop()


def _lock_filters(share: shares.Share) -> None:
    """The link's locked filters become fixed widgets (``bound``)."""
    for name, values in share.where.items():
        bound.lock(name if name in filters.FIXED else filters.param_key(name), values)
    if share.wave:
        bound.lock("wave", [share.wave])


def sidebar_note(viewer: Viewer) -> None:
    """One line on who is looking and what they can see."""
    side = st.sidebar
    if (share := viewer.share) is not None:
        label = f": {common.md(share.label)}" if share.label else ""
        side.caption(f":material/link: Shared view{label} — {common.md(share.describe())}, "
                     f"until {share.expires_at:%Y-%m-%d}.")
    elif viewer.mode == "local":
        side.caption(":material/computer: Local mode: only this computer can open the "
                     "dashboard (the server listens on localhost).")
    else:
        side.caption(f":material/verified_user: Signed in as {common.md(viewer.email)} (admin).")
        side.button("Sign out", on_click=st.logout, type="tertiary", key="_lvm_sign_out")
