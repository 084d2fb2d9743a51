"""Demo waves (the bundled sample) and whether the sample may still be loaded.

The sample is loaded only into a database nobody has used yet: once anything was imported
or deleted (``meta.sample_retired``), an empty database stays empty after a restart.
"""
from __future__ import annotations

from . import facts

SCHEMA = "CREATE TABLE IF NOT EXISTS demo_waves (wave_id INTEGER PRIMARY KEY);\n"
RETIRED = "sample_retired"


def mark(cur, wave_name: str) -> None:
    cur.execute("INSERT OR IGNORE INTO demo_waves SELECT wave_id FROM waves WHERE name = ?",
                [wave_name])


def names(cur) -> list[str]:
    """Names of the demo waves, oldest first."""
    return facts.recall(("demo",), lambda: [r[0] for r in cur.execute(
        "SELECT w.name FROM waves w JOIN demo_waves d USING (wave_id) "
        "ORDER BY w.wave_date, w.wave_id").fetchall()])


def forget(cur, wave_id: int) -> None:
    """A deleted wave's id may be reused by the next import: it is no longer a demo."""
    cur.execute("DELETE FROM demo_waves WHERE wave_id = ?", [wave_id])


def retire(cur) -> None:
    """The user has imported or deleted something: never load the sample again."""
    cur.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", [RETIRED])


def retired(cur) -> bool:
    return cur.execute("SELECT 1 FROM meta WHERE key = ?", [RETIRED]).fetchone() is not None
