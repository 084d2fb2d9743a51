"""Organisation-wide settings: where the database lives and the anonymity minimum.

Read from a TOML file (``LVM_SETTINGS``, else ``lvm_settings.toml`` in the working
directory) so an administrator sets the minimum group size once for every page,
export and command.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "lvm.duckdb"
DEFAULT_MIN_GROUP_SIZE = 5
SETTINGS_FILE = "lvm_settings.toml"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    db_path: str = DEFAULT_DB


def settings_path() -> Path:
    return Path(os.environ.get("LVM_SETTINGS") or SETTINGS_FILE)


def read_settings_file(path: str | Path | None = None) -> tuple[Path, dict]:
    """The settings file's path and its TOML content ({} when there is no file)."""
    path = Path(path) if path else settings_path()
    if not path.is_file():
        return path, {}
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from exc


def load_settings(path: str | Path | None = None) -> Settings:
    path, data = read_settings_file(path)
    k = data.get("min_group_size", DEFAULT_MIN_GROUP_SIZE)
    if not isinstance(k, int) or isinstance(k, bool) or k < 2:
        raise SettingsError(f"{path}: min_group_size must be a whole number of at least 2")
    db = os.environ.get("LVM_DB") or str(data.get("db_path", DEFAULT_DB))
    return Settings(min_group_size=k, db_path=db)


def organisation_minimum(recorded: int | None = None, settings: Settings | None = None) -> int:
    """The minimum in force: the one recorded in the database, raised by the settings file.

    The database carries its own minimum so a copy opened elsewhere (no settings file, or
    a laxer one) still hides what it hid where it was created.
    """
    return max((settings or load_settings()).min_group_size, int(recorded or 0))


def effective_min_group_size(requested: int | None, settings: Settings | None = None,
                             recorded: int | None = None) -> int:
    """A caller may raise the organisation's minimum, never lower it."""
    floor = organisation_minimum(recorded, settings)
    if requested is None:
        return floor
    if requested < floor:
        raise SettingsError(
            f"minimum group size {requested} is below the organisation's minimum of {floor} "
            "(only `python -m lvm_data set-minimum K` lowers it)")
    return int(requested)
