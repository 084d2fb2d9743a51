"""Import a survey export as one or more waves: detect, map, check, then write.

``prepare`` does everything but the write and returns a report a person can read
before confirming; ``import_file`` runs the whole thing in one transaction, so a
bad file leaves the database exactly as it was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from . import (formats, ingest_store, keyfile, mapping, preview_info, quality, reexport,
               remembered, scales, wave_naming)
from .formats import ImportProblem
from .instrument import Codebook, Instrument, load_default
from .import_report import Report
from .limits import Limits, check_shape, load_limits
from .mapping_rules import free_text_reason, is_personal_id
from .store import facts, staging, write
from .store import quality as quality_store

Progress = Callable[[float, str], None]
PERSONAL_KINDS = ("personal",)
GROUP_KINDS = ("department", "team", "role", "attribute")
CHOSEN = "chosen by you"


@dataclass
class Options:
    wave: str | None = None
    wave_date: date | None = None
    codebook: Codebook | None = None
    tool: str | None = None
    include_partial: bool = False
    skip_invalid: bool = False
    overrides: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    max_bytes: int | None = None
    original_name: str | None = None
    limits: Limits | None = None
    preview_rows: int | None = None     # a preview checks only the first rows
    dry_run: bool = False               # set by import_file: nothing may be written
    replace: tuple[str, ...] = ()                 # waves this file replaces (a re-export)
    as_new_wave: bool = False                     # keep a repeated wave and add this one too
    exclude_flagged: tuple[str, ...] | None = None  # None: the settings file's exclude_flagged
    demo: bool = False                  # the bundled sample: marked, removed by a real import
    keep_demo: bool = False             # a real import keeps the sample waves
    remember: bool = True               # store the mapping for the next file of this layout


@dataclass
class Prepared:
    report: Report
    plan: write.Plan
    layout: formats.Layout
    source: str
    exclude: tuple[str, ...] = ()                 # flagged responses left out (quality)


def _notify(progress: Progress | None, fraction: float, text: str) -> None:
    if progress:
        progress(fraction, text)


def _apply_overrides(matches, overrides) -> list:
    out = []
    for m in matches:
        if m.key in overrides:
            kind, target = overrides[m.key]
            m = mapping.Match(m.key, m.text, kind, target, 1.0, CHOSEN)
        out.append(m)
    return out


def _instrument(options: Options) -> Instrument:
    cb = options.codebook
    return cb.instrument if cb and cb.instrument else load_default()


def _item_columns(matches, instrument: Instrument) -> dict[str, str]:
    """Column key -> item id; an item claimed twice keeps its surest column."""
    best: dict[str, mapping.Match] = {}
    for m in matches:
        if m.kind == "item" and m.target in instrument.by_id():
            if m.target not in best or m.confidence > best[m.target].confidence:
                best[m.target] = m
    return {m.key: item for item, m in best.items()}


def _items_problem(items: dict[str, str], instrument: Instrument) -> str | None:
    """Why the items cannot be scored yet (the preview still shows the mapping), or None."""
    if not items:
        return ("none of the file's columns matches an item of the instrument; choose the "
                "item of each question in the column mapping, or upload a codebook "
                "(question,item)")
    missing = [i for i in instrument.items if i.id not in set(items.values())]
    if missing:
        names = ", ".join(f"{i.id} ({i.text[:40]!r})" for i in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        return (f"no column for item {names}{more}: map it in the column mapping or a "
                "codebook, or add the column")
    return None


def _declared_scale(instrument: Instrument) -> scales.Scale:
    """The instrument's own scale: 5-point agreement for the default one."""
    if instrument.name == "default":
        return scales.scale_by_name("agreement 5")
    return scales.numeric_scale(instrument.scale_min, instrument.scale_max)


def _choose_scale(cur, items, instrument, layout,
                  counted) -> tuple[scales.ScaleGuess, pd.DataFrame]:
    """Labels pick their scale; numbers keep the instrument's unless a tool export says more.

    In the plain layout a number off the instrument's scale is a typo to report, not a
    reason to stretch the scale.
    """
    counts = staging.value_counts(cur, counted, list(items))
    totals: dict[str, int] = {}
    for value, count in zip(counts["value"], counts["count"]):
        if isinstance(value, str):
            totals[value] = totals.get(value, 0) + int(count)
    declared = _declared_scale(instrument)
    guess = scales.infer_scale(totals, default=declared)
    same_range = (guess.scale.min, guess.scale.max) == (declared.min, declared.max)
    if guess.numeric and (same_range or layout.tool == "plain"):
        guess = scales.ScaleGuess(declared, guess.unrecognised, True)
    return guess, counts


def _ends_suffice(counts: pd.DataFrame, scale) -> bool:
    """Whether the measured columns' ends (``staging.value_counts``) stand for their answers:
    both ends on the scale and no numeric missing code (-99) between them. Then every
    answer is a whole number on the scale, which is all the maps and checks need to know."""
    ends = counts[~counts["exact"].astype(bool)]
    if ends.empty:
        return True
    numbers = [int(v) for v in ends["value"]]
    low, high = min(numbers), max(numbers)
    return all(scales.to_value(v, scale) is not None for v in ends["value"]) and \
        not any(low <= code <= high for code in scales.MISSING_NUMBERS)


def _value_maps(counts: pd.DataFrame, scale) -> tuple[dict, dict, dict[str, int]]:
    """Raw answer -> value per column, the answers off the scale, and their counts. A missing
    code that reads as a number (-99, NaN) maps to None, so it is stored blank rather than
    cast to a number (``write._case``)."""
    maps: dict[str, dict[str, float | None]] = {}
    bad: dict[str, list[str]] = {}
    unrecognised: dict[str, int] = {}
    for key, value, count in zip(counts["key"], counts["value"], counts["count"]):
        if not isinstance(value, str):
            continue
        if scales.normalise_label(value) in scales.MISSING:
            if scales.reads_as_number(value):
                maps.setdefault(key, {})[value] = None
            continue
        number = scales.to_value(value, scale)
        if number is None:
            bad.setdefault(key, []).append(value)
            unrecognised[value] = unrecognised.get(value, 0) + int(count)
        else:
            maps.setdefault(key, {})[value] = number
    return maps, bad, unrecognised


def _plan(cur, matches, items, maps, bad, layout, options, counted) -> write.Plan:
    kinds = {m.kind: m for m in matches}
    attrs = {m.key: (m.target or m.kind) for m in matches
             if m.kind in ("department", "team", "role", "attribute") and (m.target or m.kind)}
    key = kinds.get("respondent_id")
    personal = bool(key and (key.how == "email" or is_personal_id(key.key)
                             or is_personal_id(key.text) or _looks_like_email(cur, key.key)))
    return write.Plan(
        items=items, value_maps=maps, bad_values=bad, attributes=attrs,
        tidy=frozenset(staging.tidy(cur, counted, list(attrs))),
        respondent_key=key.key if key else None,
        key_secret=keyfile.respondent_key_secret(create=not options.dry_run)
        if personal else None,
        wave_key=None if options.wave else (kinds["wave"].key if "wave" in kinds else None),
        finished_key=kinds["finished"].key if "finished" in kinds else None,
        progress_key=kinds["progress"].key if "progress" in kinds else None,
        submitted_key=kinds["submitted"].key if "submitted" in kinds else None,
        include_partial=options.include_partial,
        row_offset=layout.skip_rows + 1,
        duration=quality_store.duration_sql(quality.timing_columns(layout.columns)))


def _looks_like_email(cur, key: str) -> bool:
    sql = f"SELECT count(*) FILTER (WHERE contains({staging.quote_key(key)}, '@')) > 0 FROM staging"
    return bool(cur.execute(sql).fetchone()[0])


def prepare(cur, path: str | Path, options: Options | None = None,
            progress: Progress | None = None, typed_read: bool = True) -> Prepared:
    """Stage and check the file inside the caller's transaction; writes nothing lasting.

    ``typed_read`` tries whole-number columns as integers first and reads the file again
    as text if a later row disagrees; inside an explicit transaction (``import_file``) the
    failed first read would abort the transaction, so the file is read as text at once."""
    options = options or Options()
    options = replace(options, limits=options.limits or load_limits())   # read once
    _notify(progress, 0.05, "Reading the file")
    layout = formats.detect(path, options.tool, original_name=options.original_name,
                            max_bytes=options.max_bytes, limits=options.limits)
    try:
        return _check(cur, layout, options, progress,
                      options.original_name or Path(path).name, typed_read)
    except BaseException:
        layout.cleanup()
        raise


def _whole_number_columns(sample: pd.DataFrame, keys: list[str]) -> set[str]:
    """Columns whose sampled answers are all whole numbers (blanks allowed)."""
    out = set()
    for key in keys:
        values = sample[key].dropna().astype(str).str.strip()
        if len(values) and values.str.fullmatch(r"-?\d{1,9}").all():
            out.add(key)
    return out


def _check(cur, layout, options: Options, progress, source: str,
           typed_read: bool = True) -> Prepared:
    fragment, params = layout.read_csv_sql()
    try:
        sample = staging.sample_rows(cur, fragment, params)
        if sample.empty:
            raise ImportProblem("the file has a header but no responses")
        options, remembered_from = remembered.apply(cur, layout.columns, options)
        instrument = _instrument(options)
        samples = {k: [v for v in sample[k].head(200).tolist() if isinstance(v, str)]
                   for k in layout.keys}
        matches = mapping.propose(layout.columns, instrument, options.codebook,
                                  samples=samples, tool=layout.tool)
        matches = _apply_overrides(matches, options.overrides)
        items = _item_columns(matches, instrument)
        if blocker := _items_problem(items, instrument):
            return _blocked(cur, layout, sample, matches, instrument, blocker, source,
                            remembered_from)
        whole = _whole_number_columns(sample, list(items)) if typed_read else set()
        rows = staging.stage(cur, fragment, params, whole, limit=options.preview_rows)
        if options.preview_rows is None:
            check_shape(source, rows, len(layout.columns), options.limits)
        ranged = tuple(items) if set(items) <= staging.whole_number_columns(cur) else ()
        keys = [*items, *(m.key for m in _screened(matches))]
        counted = staging.count_values(cur, keys, ranged)
        _screen_free_text(cur, matches, counted)
    except duckdb.Error as exc:  # DuckDB's parser names the line; keep only that sentence
        raise ImportProblem(_csv_error(exc)) from exc
    _notify(progress, 0.3, f"Checking {rows:,} responses")
    guess, counts = _choose_scale(cur, items, instrument, layout, counted)
    if not _ends_suffice(counts, guess.scale):      # answers off the scale: count them all
        counted = staging.count_values(cur, keys)
        guess, counts = _choose_scale(cur, items, instrument, layout, counted)
    maps, bad, unrecognised = _value_maps(counts, guess.scale)
    plan = _plan(cur, matches, items, maps, bad, layout, options, counted)
    rid_base, _ = write.next_ids(cur)
    write.build_clean(cur, plan, rid_base)
    exclude = quality.excluded_by_settings() if options.exclude_flagged is None \
        else tuple(options.exclude_flagged)
    quality_store.mark(cur, exclude)
    report = _report(cur, layout, rows, plan, matches, guess, unrecognised, instrument)
    report.notes += quality.notes(exclude, quality.timing_columns(layout.columns))
    preview_info.describe(cur, report, layout, sample, source, remembered_from, staged=True)
    if options.preview_rows is not None and rows >= options.preview_rows:
        report.partial = True
        report.notes.append(f"This preview checked the first {rows:,} responses only; the "
                            "whole file is checked when you import it.")
    report.repeats = reexport.detect(cur, plan)
    return Prepared(report, plan, layout, source, exclude)


def _blocked(cur, layout, sample, matches, instrument, blocker, source,
             remembered_from) -> Prepared:
    """A preview that cannot import yet: the mapping and what is known, so the user can fix
    the mapping on the page instead of meeting a dead end."""
    report = Report(layout.tool, layout.n_rows, 0, {}, pd.DataFrame(
        columns=["row", "column", "value", "reason"]),
        [m.text or m.key for m in matches if m.kind in PERSONAL_KINDS], {},
        _declared_scale(instrument), matches, [], list(layout.notes), instrument,
        free_text_columns=[m.text or m.key for m in matches if m.kind == "free_text"],
        blocker=blocker)
    preview_info.describe(cur, report, layout, sample, source, remembered_from, staged=False)
    plan = write.Plan(items={}, value_maps={}, bad_values={})
    return Prepared(report, plan, layout, source)


def _screened(matches: list[mapping.Match]) -> list[mapping.Match]:
    """Columns taken as attributes by the mapping, not by the user (see below)."""
    return [m for m in matches if m.kind in GROUP_KINDS and m.how != CHOSEN]


def _screen_free_text(cur, matches: list[mapping.Match], counted: dict[str, str]) -> None:
    """Attributes are decided over the whole file, not its first rows: a long comment further
    down makes the column free text, which is never stored. A column the user chose to keep
    stays."""
    found = _screened(matches)
    if not found:
        return
    profile = staging.text_profile(cur, counted, [m.key for m in found]).set_index("key")
    for m in found:
        p = profile.loc[m.key]
        why = free_text_reason(int(p["distinct_values"]), int(p["max_chars"]),
                               int(p["max_words"]), int(p["singletons"]),
                               fixed=m.kind != "attribute")
        if why:
            m.kind, m.target, m.confidence = "free_text", None, 0.8
            m.how = f"free text across the whole file: {why}"


def _csv_error(exc: Exception) -> str:
    """DuckDB's parser error, cut to the line number and what was wrong with it."""
    text = str(exc)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if line and counts:
        return (f"line {line.group(1)} has {counts.group(2)} fields but the header has "
                f"{counts.group(1)}; the file may be cut off or have unbalanced quotes")
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    where = f" (line {line.group(1)})" if line else ""
    return f"the file cannot be read as CSV{where}: {first[:200]}"


def _report(cur, layout, rows, plan, matches, guess, unrecognised, instrument) -> Report:
    problems = write.problem_counts(cur)
    waves = [w for w in write.wave_names_in_file(cur) if w is not None]
    personal = [m.text or m.key for m in matches if m.kind in PERSONAL_KINDS]
    notes = list(getattr(layout, "notes", []))
    if guess.scale.name:
        notes.append(f"answers read on the {guess.scale.name} scale "
                     f"({guess.scale.min:g} to {guess.scale.max:g})")
    free = [m.text or m.key for m in matches if m.kind == "free_text"]
    hashed = plan.respondent_key if plan.key_secret is not None else None
    return Report(layout.tool, rows, rows - sum(problems.values()), problems,
                  write.problem_rows(cur, plan), personal, unrecognised, guess.scale,
                  matches, waves, notes, instrument, free_text_columns=free,
                  hashed_key=hashed)


def wave_date_from_name(name: str) -> date | None:
    return wave_naming.wave_date_from_name(name)


def import_file(con, path: str | Path, options: Options | None = None,
                progress: Progress | None = None, dry_run: bool = False):
    """Import in one transaction; with ``dry_run`` return the report and write nothing."""
    options = replace(options or Options(), dry_run=dry_run)
    cur = con.cursor()
    prepared = None
    try:
        with facts.changing():
            cur.execute("BEGIN TRANSACTION")
            try:
                prepared = prepare(cur, path, options, progress, typed_read=False)
                if dry_run:
                    cur.execute("ROLLBACK")
                    return prepared.report
                summary = ingest_store.store_prepared(cur, prepared, options, progress)
                write.drop_staged(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
    finally:
        if prepared is not None:
            prepared.layout.cleanup()
        cur.close()
    _notify(progress, 1.0, "Done")
    return summary
