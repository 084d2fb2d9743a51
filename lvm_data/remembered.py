"""Remembered mappings: a file whose headers were mapped once is mapped the same way again.

The key is the SHA-256 of the file's sorted, normalised headers (case and spacing do not
matter, order does not either), so the next wave exported from the same survey finds the
mapping confirmed at the last import. A codebook given with the import wins over it.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

from . import mapping
from .instrument import InstrumentError, parse_codebook
from .store import mappings


def _norm(text: str) -> str:
    return " ".join(str(text or "").casefold().split())


def header_key(columns) -> str:
    """The same for two files with the same set of headers (keys of ``formats.Column``)."""
    names = sorted(_norm(c.key) for c in columns)
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()


def apply(cur, columns, options):
    """(options, wave name): the remembered codebook put into ``options`` when the import
    brings none; the name of the wave it was saved with, or None when none applied."""
    if options.codebook is not None:
        return options, None
    found = mappings.find(cur, header_key(columns))
    if found is None:
        return options, None
    text, wave = found
    try:
        codebook = parse_codebook(text, "remembered mapping")
    except InstrumentError:
        return options, None           # written by an older version: propose afresh
    return replace(options, codebook=codebook), wave


def codebook_csv(report) -> str:
    """The mapping as confirmed: every column, with the instrument when it is a custom one."""
    return mapping.to_codebook_csv(report.matches, report.instrument,
                                   custom=report.instrument.name != "default")


def save(cur, columns, report, wave_name: str) -> None:
    """Remember the import's mapping for the next file of the same headers."""
    mappings.save(cur, header_key(columns), codebook_csv(report), wave_name)
