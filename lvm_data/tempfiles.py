"""Temporary copies of uploads and converted files, named by the process that owns them.

A process killed with SIGKILL cannot delete its temporary files. Each name carries the
owner's PID (``lvm_import_<pid>_…``), so the next import or dashboard start removes the
files of processes that no longer exist, and never those of an import still running.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIXES = ("lvm_import", "lvm_upload")
_NAME = re.compile(r"^(?:lvm_import|lvm_upload|lvm_spill)_(\d+)_")


def new_temp_file(kind: str = "lvm_import", suffix: str = ".csv") -> Path:
    """An empty private (0600) temporary file whose name says which process owns it."""
    if kind not in PREFIXES:
        raise ValueError(f"unknown temporary file kind {kind!r}")
    fd, name = tempfile.mkstemp(prefix=f"{kind}_{os.getpid()}_", suffix=suffix)
    os.close(fd)
    return Path(name)


def new_temp_dir() -> Path:
    """A private temporary folder (DuckDB's spill space for an import), named like the files."""
    return Path(tempfile.mkdtemp(prefix=f"lvm_spill_{os.getpid()}_"))


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (someone else's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # someone else's process: alive
        return True
    return True


def clean_stale(directory: str | Path | None = None) -> list[Path]:
    """Delete the temporary files of processes that have died; returns what was removed."""
    removed = []
    for path in Path(directory or tempfile.gettempdir()).glob("lvm_*"):
        match = _NAME.match(path.name)
        if match and int(match.group(1)) != os.getpid() and not alive(int(match.group(1))):
            try:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed
