"""Who may see what: the access mode, the administrators and the public address.

Read from the same TOML file as the other settings (``settings.settings_path()``), in a
module of its own so the anonymity settings and the access settings can change apart.
No secret lives here: the sign-in provider's keys stay in ``.streamlit/secrets.toml``.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .settings import SettingsError, settings_path

MODES = ("local", "login")


class Forbidden(PermissionError):
    """A write or an administrator's view asked for by someone who is not an admin."""


@dataclass(frozen=True)
class Access:
    mode: str = "local"
    admins: frozenset[str] = frozenset()
    public_url: str | None = None

    def is_admin(self, email: str | None) -> bool:
        """Locally, the person at the machine is the admin; with sign-in, the listed e-mails."""
        if self.mode == "local":
            return True
        return bool(email) and email.strip().lower() in self.admins

    def contact(self) -> str:
        """Whom a visitor without a link should ask."""
        return ", ".join(sorted(self.admins)) or "the people who run this dashboard"


def _read(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from exc


def load_access(path: str | Path | None = None) -> Access:
    """The access settings; a wrong value is refused rather than read as 'open to all'."""
    path = Path(path) if path else settings_path()
    data = _read(path)
    mode = data.get("access", "local")
    if mode not in MODES:
        raise SettingsError(f"{path}: access must be one of {', '.join(MODES)}, not {mode!r}")
    admins = data.get("admins", [])
    if not isinstance(admins, list) or not all(isinstance(a, str) and "@" in a for a in admins):
        raise SettingsError(f"{path}: admins must be a list of e-mail addresses")
    public = data.get("public_url")
    if public is not None:
        parts = urlsplit(str(public))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(f"{path}: public_url must be an http(s) address, not {public!r}")
        public = str(public).rstrip("/")
    return Access(mode, frozenset(a.strip().lower() for a in admins), public)


def require_admin(access: Access, email: str | None) -> None:
    """Raise unless the user may write; called by every function that changes data."""
    if not access.is_admin(email):
        raise Forbidden("only an administrator may do this")


def full_link(access: Access, path_and_query: str) -> str:
    """The full URL when ``public_url`` is set, else the path and query."""
    return (access.public_url or "") + path_and_query
