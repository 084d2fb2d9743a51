"""The key that turns personal respondent ids into HMACs, kept outside the database.

A copy of the database alone cannot be reversed: without this key nobody can hash a
company directory to find who answered what. It lives beside the settings file
(``lvm_secrets.toml``, or the file named by ``LVM_SECRETS``), readable by its owner
only, and is created on first use.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import tomllib
from pathlib import Path

from .settings import SettingsError, settings_path

SECRETS_FILE = "lvm_secrets.toml"
KEY_NAME = "respondent_key"


def secrets_path() -> Path:
    env = os.environ.get("LVM_SECRETS")
    return Path(env) if env else settings_path().resolve().parent / SECRETS_FILE


def _create(path: Path) -> None:
    """Write a new key atomically: a second process racing us keeps the first one's key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lvm_secrets_", dir=path.parent)   # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("# Secret of the respondent-key HMAC. Back it up with the database;\n"
                     "# never store it inside the database or share it.\n"
                     f'{KEY_NAME} = "{secrets.token_hex(32)}"\n')
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


def respondent_key_secret(path: Path | None = None, create: bool = True) -> bytes:
    """The HMAC key, created on first use; the file is made owner-only if it was not.

    ``create=False`` (a dry run, which writes no file) gives a throw-away key when there is
    no file yet: no stored key can match it, and none was made with another.
    """
    path = path or secrets_path()
    if not path.exists() and not create:
        return secrets.token_bytes(32)
    if not path.exists():
        _create(path)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    try:
        value = tomllib.loads(path.read_text(encoding="utf-8"))[KEY_NAME]
        key = bytes.fromhex(value)
    except (KeyError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: no valid {KEY_NAME} (64 hex digits)") from exc
    if len(key) < 16:
        raise SettingsError(f"{path}: {KEY_NAME} is too short (at least 32 hex digits)")
    return key


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of a normalised id (trimmed, lower case), as hex."""
    return hmac.new(key, value.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
