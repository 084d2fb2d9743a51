"""The writing half of an import: what a checked file becomes in the database.

Shared by the dashboard's import (``ingest.import_file``, on the database file) and the
command line's (``memory_import``, checked in memory and written to the attached file),
inside the caller's transaction.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from . import reexport, remembered, scales, wave_naming
from .formats import ImportProblem
from .import_report import Report, Summary
from .store import demo, sketch, write
from .store import quality as quality_store

if TYPE_CHECKING:
    from .ingest import Options, Prepared


def notify(progress, fraction: float, text: str) -> None:
    if progress is not None:
        progress(fraction, text)


def _wave_names(prepared: Prepared, options: Options) -> list[tuple[str, str | None]]:
    if options.wave:
        return [(options.wave.strip(), None)]
    in_file = prepared.report.waves
    if in_file:
        return [(w, w) for w in in_file]
    return [(prepared.report.default_wave or "Wave 1", None)]


def _wave_date(name: str, in_file: str | None, report: Report, options: Options) -> date:
    """The date given, else the responses' last date, else the period in the name, else today."""
    dated = report.default_date if in_file is None else None
    return options.wave_date or dated or wave_naming.wave_date_from_name(name) or date.today()


def _write(cur, prepared: Prepared, options: Options, progress,
           rid_shift: int = 0) -> list[tuple[str, int]]:
    report, scale = prepared.report, prepared.report.scale
    done = []
    names = _wave_names(prepared, options)
    for i, (name, in_file) in enumerate(names):
        notify(progress, 0.5 + 0.45 * i / len(names), f"Storing wave {name!r}")
        _, wave_id = write.next_ids(cur)
        when = _wave_date(name, in_file, report, options)
        meta = write.WaveMeta(name, when, prepared.source,
                              report.tool, scale.name, scale.min, scale.max,
                              {f"{v:g}": label for v, label in scales.value_labels(scale).items()})
        n = write.write_wave(cur, wave_id, meta, report.instrument, prepared.plan, in_file,
                             rid_shift)
        quality_store.record(cur, wave_id, in_file, prepared.exclude, rid_shift)
        sketch.record(cur, wave_id, in_file, staged=True)
        done.append((name, n))
    return done


def _check_writable(report: Report, options: Options) -> None:
    if report.blocker:
        raise ImportProblem(report.blocker)
    if report.rows_importable == 0:
        raise ImportProblem("no response can be imported: " + (report.first_problem() or
                                                                 "every row was rejected"))
    if report.problems.get("invalid value") and not options.skip_invalid:
        raise ImportProblem(report.first_problem() + "; fix the file or import with "
                            "--skip-invalid to leave those rows out")


def store_prepared(cur, prepared: Prepared, options: Options, progress,
                   rid_shift: int = 0) -> Summary:
    """The writing half of an import, inside the caller's transaction: refuse what must
    not be stored, replace re-exported waves, retire the sample, store the waves and
    remember the mapping. The caller holds ``store.facts.changing()`` around it."""
    _check_writable(prepared.report, options)
    options = reexport.resolve(cur, prepared.report, options)
    removed = _before_write(cur, options)
    done = _write(cur, prepared, options, progress, rid_shift)
    sketch.backfill(cur)                  # waves stored before sketches, once
    _after_write(cur, prepared, options, done)
    return Summary(done, prepared.report, tuple(dict.fromkeys(options.replace)), removed)


def _before_write(cur, options: Options) -> tuple[str, ...]:
    """A real import retires the sample for good and, unless kept, removes its waves."""
    if options.demo:
        return ()
    demo.retire(cur)
    if options.keep_demo:
        return ()
    names = tuple(n for n in demo.names(cur) if n not in options.replace)
    for name in names:
        write.remove_wave(cur, name)
    return names


def _after_write(cur, prepared: Prepared, options: Options, done) -> None:
    if options.demo:
        for name, _ in done:
            demo.mark(cur, name)
    elif options.remember and done:
        remembered.save(cur, prepared.layout.columns, prepared.report, done[-1][0])
