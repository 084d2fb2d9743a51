"""Scoped share links: stored in the database, opened by an unguessable id, logged.

A link holds a *scope* (locked filters, optionally a fixed wave), the page it opens,
a label, an expiry and whether the viewer must sign in. Only the id travels in the URL;
the scope is looked up here on every run, so revoking a link takes effect at once.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pandas as pd

from .read import QueryError, population, wave_row
from .schema import attribute_names

SCHEMA = """
CREATE TABLE IF NOT EXISTS shares (
    id VARCHAR PRIMARY KEY, label VARCHAR, scope VARCHAR, wave VARCHAR, page VARCHAR,
    created_at TIMESTAMP, created_by VARCHAR, expires_at TIMESTAMP,
    require_login BOOLEAN, revoked_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS share_opens (
    share_id VARCHAR, opened_at TIMESTAMP, email VARCHAR, outcome VARCHAR);
"""
PAGES = ("overview", "teams", "dimensions", "compare", "map", "trends")
DEFAULT_DAYS = 90
MAX_DAYS = 3650
LIST_COLUMNS = ["id", "label", "scope", "wave", "page", "created_at", "expires_at",
                "require_login", "revoked", "opens"]
_ID_BYTES = 24          # 192 bits of randomness, URL-safe text of 32 characters


@dataclass(frozen=True)
class Share:
    id: str
    where: dict[str, list[str]] = field(default_factory=dict)
    wave: str | None = None
    page: str = "overview"
    label: str = ""
    expires_at: datetime | None = None
    require_login: bool = False
    revoked: bool = False

    def state(self, now: datetime | None = None) -> str:
        """'ok', 'revoked' or 'expired': a link that is not ok shows no figures."""
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and (now or _now()) >= self.expires_at:
            return "expired"
        return "ok"

    def describe(self) -> str:
        parts = [f"{k}={'|'.join(v)}" for k, v in self.where.items()]
        return ", ".join(parts + ([f"wave={self.wave}"] if self.wave else [])) or "everything"


def _now() -> datetime:
    """UTC without tzinfo, as DuckDB's TIMESTAMP stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _check(cur, where: dict[str, list[str]], wave: str | None, page: str, days: int) -> None:
    if page not in PAGES:
        raise ValueError(f"page must be one of {', '.join(PAGES)}, not {page!r}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"the expiry must be 1 to {MAX_DAYS} days, not {days}")
    known = attribute_names(cur)
    for name, values in where.items():
        if name not in known:
            raise QueryError(f"unknown attribute {name!r}; known: {', '.join(known)}")
        if not values or any(not str(v).strip() for v in values):
            raise ValueError(f"the scope needs a value for {name!r}")
    info = wave_row(cur, wave)             # raises for an unknown wave or an empty database
    if population(cur, [info["wave_id"]], where) == 0:
        raise ValueError(f"no respondent of wave {info['name']!r} is in this scope")


def create(cur, where: dict[str, list[str]], *, wave: str | None = None, page: str = "overview",
           label: str = "", expires_days: int = DEFAULT_DAYS, require_login: bool = False,
           created_by: str | None = None) -> Share:
    """Store a new link; the scope must name real attributes and hold respondents."""
    where = {k: sorted(dict.fromkeys(str(v) for v in vs)) for k, vs in where.items()}
    _check(cur, where, wave, page, expires_days)
    share_id = secrets.token_urlsafe(_ID_BYTES)
    now = _now()
    expires = now + timedelta(days=expires_days)
    cur.execute("INSERT INTO shares VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                [share_id, label.strip()[:200], json.dumps(where, sort_keys=True), wave, page,
                 now, created_by, expires, require_login])
    return Share(share_id, where, wave, page, label.strip()[:200], expires, require_login)


def get(cur, share_id: str | None) -> Share | None:
    """The link with this id, or None; ids from a URL are only ever a parameter."""
    if not share_id or len(share_id) > 100:
        return None
    row = cur.execute("SELECT id, scope, wave, page, label, expires_at, require_login, "
                      "revoked_at IS NOT NULL FROM shares WHERE id = ?", [share_id]).fetchone()
    if row is None:
        return None
    return Share(row[0], json.loads(row[1]), row[2], row[3], row[4] or "", row[5],
                 bool(row[6]), bool(row[7]))


def revoke(cur, share_id: str) -> bool:
    """True when a live link was revoked; revoking twice changes nothing."""
    row = cur.execute("UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL "
                      "RETURNING id", [_now(), share_id]).fetchone()
    return row is not None


def log_open(cur, share_id: str, email: str | None, outcome: str = "opened") -> None:
    """One line per opening; ``outcome`` says 'revoked' or 'expired' for a refused one."""
    cur.execute("INSERT INTO share_opens VALUES (?, ?, ?, ?)",
                [share_id, _now(), email, outcome])


def list_shares(cur) -> pd.DataFrame:
    """Every link, newest first, with how often it was opened (refused tries not counted)."""
    return cur.execute("""
        SELECT s.id, s.label, s.scope, s.wave, s.page, s.created_at, s.expires_at,
               s.require_login, s.revoked_at IS NOT NULL AS revoked,
               (SELECT count(*) FROM share_opens o
                WHERE o.share_id = s.id AND o.outcome = 'opened') AS opens
        FROM shares s ORDER BY s.created_at DESC, s.id""").df()[LIST_COLUMNS]


def opens(cur, limit: int = 1000) -> pd.DataFrame:
    """The open log, newest first: when, which link, the signed-in e-mail if any, and
    whether it opened."""
    return cur.execute("""
        SELECT o.opened_at, o.share_id, s.label, o.email, o.outcome FROM share_opens o
        LEFT JOIN shares s ON s.id = o.share_id
        ORDER BY o.opened_at DESC LIMIT ?""", [limit]).df()
