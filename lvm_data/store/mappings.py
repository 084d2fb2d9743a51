"""Remembered column mappings: the codebook of the last import of each header layout.

Keyed by a hash of the file's set of headers, so the next wave exported from the same
survey is mapped as the last one was. The stored codebook holds headers and item ids
only (no answers), so it is no more private than the questionnaire.
"""
from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS mappings (
    header_key VARCHAR PRIMARY KEY, codebook VARCHAR NOT NULL, wave_id INTEGER,
    wave_name VARCHAR, saved_at TIMESTAMP);
"""


def save(cur, header_key: str, codebook_csv: str, wave_name: str) -> None:
    """Remember (or replace) the mapping of this header layout, naming the wave it came from."""
    cur.execute("""INSERT OR REPLACE INTO mappings
        SELECT ?, ?, (SELECT wave_id FROM waves WHERE name = ?), ?, current_timestamp""",
                [header_key, codebook_csv, wave_name, wave_name])


def find(cur, header_key: str) -> tuple[str, str] | None:
    """(codebook CSV, wave name) for this layout; the wave's current name if it was renamed."""
    row = cur.execute("""SELECT m.codebook, coalesce(w.name, m.wave_name) FROM mappings m
        LEFT JOIN waves w ON w.wave_id = m.wave_id AND w.imported_at <= m.saved_at
        WHERE m.header_key = ?""", [header_key]).fetchone()
    return None if row is None else (row[0], row[1])
