"""The command line's import: the long work in memory, the database file held only to store.

Reading, checking and scoring a large file takes most of an import; DuckDB lets one
process write a file at a time, so doing that work on the file would make every page
of a running dashboard wait for all of it. Here the file is staged and checked in an
in-memory database, and the database file is attached only for what must happen there:
the re-export check against its waves, the new respondent ids, and the write, in one
transaction. A crash before the attach leaves the file untouched; one after it is the
same as any interrupted transaction.
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from . import ingest, ingest_store, reexport, tempfiles
from .import_report import Summary
from .limits import load_limits
from .store import facts, session, staging, write


def import_into(db_path, path: str | Path, options: ingest.Options | None = None,
                progress: ingest.Progress | None = None) -> Summary:
    """Import ``path`` into the database at ``db_path`` (see the module's reason)."""
    options = options or ingest.Options()
    limits = options.limits or load_limits()
    options = replace(options, limits=limits)
    spill = tempfiles.new_temp_dir()        # removed below, or by the next import if killed
    memory = session.in_memory(limits.import_memory_mb, str(spill))
    cur = memory.cursor()
    prepared = None
    try:
        session.mirror(cur, db_path)
        prepared = ingest.prepare(cur, path, options, progress)    # rids from 1: shifted below
        staging.drop_raw(cur)
        if progress is not None:
            progress(0.5, "Opening the database")
        with session.attached(cur, db_path):
            rid_shift, _ = write.next_ids(cur)
            prepared.report.repeats = reexport.detect(cur, prepared.plan)
            with facts.changing():
                cur.execute("BEGIN TRANSACTION")
                try:
                    summary = ingest_store.store_prepared(cur, prepared, options, progress,
                                                          rid_shift)
                    cur.execute("COMMIT")
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
    finally:
        if prepared is not None:
            prepared.layout.cleanup()
        cur.close()
        memory.close()
        shutil.rmtree(spill, ignore_errors=True)
    if progress is not None:
        progress(1.0, "Done")
    return summary
