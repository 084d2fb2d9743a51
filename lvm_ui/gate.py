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
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import NoReturn

import streamlit as st

from lvm_data import access
from lvm_data.store import scope as scopes
from lvm_data.store import shares

from . import bound, common, filters

_SHARE = "_lvm_share_id"          # the link this session was opened with
_LOGGED = "_lvm_share_logged"     # its opening has been logged
_COOKIE = "lvm_share_after_sign_in"
TITLE = "Leadership vs Management"


@dataclass(frozen=True)
class Viewer:
    mode: str
    email: str | None
    admin: bool
    share: shares.Share | None = None
    stop: Callable[[], NoReturn] | None = None    # draws "no access" and ends the run


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


def decide(cur) -> Viewer:
    """The viewer of this run. For someone who may see nothing, ``viewer.stop`` draws the
    page saying why (closed link, sign-in, whom to ask) and ends the run."""
    acc = settings()
    mail = email(acc)
    share_id = st.query_params.get("share") or st.session_state.get(_SHARE) \
        or _returning(mail)
    if share_id:
        viewer = _through_link(cur, acc, mail, share_id)
    elif acc.is_admin(mail):
        viewer = Viewer(acc.mode, mail, True)
    else:
        viewer = Viewer(acc.mode, mail, False, stop=partial(_ask_page, acc, mail))
    if viewer.admin:
        common.set_scope(None)
    elif viewer.share is not None and viewer.stop is None:
        common.set_scope(scopes.Scope(viewer.share.where, viewer.share.wave))
        _lock_filters(viewer.share)
    else:
        common.set_scope(scopes.NOTHING)     # should a query ever run: it finds nothing
    return viewer


def _through_link(cur, acc, mail, share_id: str) -> Viewer:
    share = shares.get(cur, share_id)
    state = share.state() if share else "unknown"
    if share is not None and state != "ok":
        _log_once(share, mail, state)
    if state != "ok":
        st.session_state.pop(_SHARE, None)
        return Viewer(acc.mode, mail, False, stop=partial(_closed, share))
    if share.require_login and acc.mode == "login" and not mail:
        return Viewer(acc.mode, mail, False, share, partial(_sign_in_for, share, acc))
    _log_once(share, mail, "opened")
    st.session_state[_SHARE] = share.id
    st.query_params["share"] = share.id           # keeps the link in the address bar
    return Viewer(acc.mode, mail, False, share)


def _log_once(share: shares.Share, mail: str | None, outcome: str) -> None:
    """Once per browser session and outcome, not on every rerun."""
    if st.session_state.get(_LOGGED) != (share.id, outcome):
        with common.writing() as con:          # the run's cursors are closed with it
            shares.log_open(con.cursor(), share.id, mail, outcome)
        st.session_state[_LOGGED] = (share.id, outcome)


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


def _closed(share: shares.Share | None) -> NoReturn:
    """No figures: say why the link does not open, and nothing about the data."""
    st.title("This link does not open", anchor=False)
    why = {"revoked": "It has been revoked.", "expired": "It has expired."}.get(
        share.state() if share else "", "It is not a valid share link.")
    st.error(f"{why} Ask the person who sent it for a new one.", icon=":material/link_off:")
    st.stop()


def _ask_page(acc: access.Access, mail: str | None) -> NoReturn:
    """For a visitor without a link: whom to ask; no figures, values or wave names."""
    if mail is None:
        _sign_in("This dashboard is private.", acc)
    st.title(TITLE, anchor=False)
    st.info(f"You are signed in as {common.md(mail)}, which has no access of its own. "
            f"Ask {common.md(acc.contact())} for a share link.", icon=":material/lock:")
    st.button("Sign out", on_click=st.logout)
    st.stop()


def _sign_in_for(share: shares.Share, acc: access.Access) -> NoReturn:
    _remember(share.id, 900)          # sign-in returns to "/": come back to this link
    _sign_in("This link is for signed-in colleagues only.", acc)


def _sign_in(why: str, acc: access.Access) -> NoReturn:
    st.title(TITLE, anchor=False)
    st.info(f"{why} Sign in with your organisation account, or ask "
            f"{common.md(acc.contact())} for a share link.", icon=":material/lock:")
    if _sign_in_configured():
        st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
    else:
        st.warning("Sign-in is not set up yet: the administrator adds an `[auth]` section "
                   "to `.streamlit/secrets.toml` (see the README, *Deploying for an "
                   "organisation*).", icon=":material/key_off:")
    st.stop()


def _sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all (Streamlit raises its own error)
        return False


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
