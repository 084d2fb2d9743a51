"""``python -m lvm_data``: a stable command line for people and scripts.

Errors end with exit status 2 and one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import duckdb

from . import ingest, memory_import, quality, store, tempfiles
from .export import csv_text
from .formats import TOOLS, ImportProblem
from .instrument import InstrumentError, instrument_csv, load_codebook, load_default
from .scoring import GROUP_COLUMNS
from .settings import SettingsError
from .reliability_cli import add_parser as add_reliability_parser
from .share_cli import add_parser as add_share_parser

EXPECTED_ERRORS = (ImportProblem, InstrumentError, SettingsError, store.QueryError, ValueError,
                   OSError, duckdb.Error)


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $LVM_DB, else lvm.duckdb)")


def _where(values: list[str]) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--where takes ATTRIBUTE=VALUE, got {item!r}")
        where.setdefault(name.strip().lower(), []).append(value.strip())
    return where


def cmd_instrument(args) -> int:
    sys.stdout.write(instrument_csv(load_default()))
    return 0


def cmd_sample(args) -> int:
    from .sample import write_sample
    write_sample(args.out, args.respondents, seed=args.seed, waves=args.waves,
                 raters=args.raters)
    print(f"wrote {args.respondents:,} respondents to {args.out}")
    return 0


def _progress(fraction: float, text: str) -> None:
    if sys.stderr.isatty():
        print(f"\r[{fraction:4.0%}] {text:<60}", end="", file=sys.stderr, flush=True)


def cmd_import(args) -> int:
    tempfiles.clean_stale()       # copies left by imports that were killed
    options = ingest.Options(
        wave=args.wave, codebook=load_codebook(args.codebook) if args.codebook else None,
        tool=args.tool, include_partial=args.include_partial, skip_invalid=args.skip_invalid,
        wave_date=date.fromisoformat(args.date) if args.date else None,
        replace=tuple(args.replace or ()), as_new_wave=args.as_new_wave,
        exclude_flagged=None if args.exclude_flagged is None
        else quality.parse_flags(args.exclude_flagged, "--exclude-flagged"),
        keep_demo=args.keep_sample)
    # a dry run checks the file alone: the database is not created, changed or even opened
    # (opening takes a lock, which would also fail while the app holds the file); a real
    # import holds the file only to store what it checked in memory
    if args.dry_run:
        result = ingest.import_file(store.connect(":memory:"), args.file, options,
                                    progress=_progress, dry_run=True)
    else:
        result = memory_import.import_into(args.db, args.file, options, progress=_progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(_dry_run_text(result) if args.dry_run else result.line())
    report = result if args.dry_run else result.report
    if report.mapping_from:
        print(f"mapping from wave {report.mapping_from!r}: the file has the same columns "
              "(give --codebook to map it otherwise)", file=sys.stderr)
    return 0


def cmd_headcount(args) -> int:
    from .headcount import store_file
    text = Path(args.file).read_text(encoding="utf-8-sig")
    con = store.connect(args.db)
    wave, n = store_file(con.cursor(), text, args.wave)
    print(f"stored {n:,} headcount rows for wave {wave!r}")
    return 0


def _dry_run_text(report: ingest.Report) -> str:
    lines = [f"format: {TOOLS.get(report.tool, report.tool)}",
             f"rows read: {report.rows_read}", f"rows importable: {report.rows_importable}",
             f"rows rejected: {report.rows_rejected}"]
    lines += [f"  {reason}: {n}" for reason, n in sorted(report.problems.items())]
    for r in report.problem_rows.head(20).itertuples():
        col = f", column {r.column!r}, value {r.value!r}" if isinstance(r.column, str) else ""
        lines.append(f"  row {r.row}{col}: {r.reason}")
    if report.personal_columns:
        lines.append("personal data dropped: " + ", ".join(report.personal_columns))
    if report.free_text_columns:
        lines.append("free text dropped: " + ", ".join(report.free_text_columns))
    if report.hashed_key:
        lines.append(f"respondent key {report.hashed_key!r} stored as a keyed hash "
                     "(the key is kept outside the database)")
    for value, n in sorted(report.unrecognised.items()):
        lines.append(f"unrecognised answer {value!r}: {n}")
    lines += [f"note: {n}" for n in report.notes]
    lines.append("mapping:")
    lines += [f"  {m.key!r} -> {m.kind}{' ' + m.target if m.target else ''} "
              f"({m.how}, {m.confidence:.0%})" for m in report.matches]
    return "\n".join(lines)


def reading(db):
    """Read-only (a new or older file is prepared first): a reading command reads beside
    the dashboard's page runs and other commands instead of taking turns with them."""
    return store.session.briefly(db, read_only=True)


def _emit(table, fmt: str, message: str | None) -> int:
    """A result on stdout; what was withheld, and why, on stderr (exit 0: not an error)."""
    if fmt == "json":
        print(json.dumps(json.loads(table.to_json(orient="records", double_precision=10)),
                         indent=1))
    else:
        sys.stdout.write(csv_text(table, float_format="%.6f"))
    if message:
        print(message, file=sys.stderr)
    return 0


def cmd_scores(args) -> int:
    with reading(args.db) as con:
        result = store.group_scores(con.cursor(), by=args.by, wave=args.wave,
                                    where=_where(args.where), min_group_size=args.min_group_size)
        table = result.table[GROUP_COLUMNS].sort_values(["group", "dimension"], kind="stable")
        message = result.message
        if args.since:
            table, note = _with_change(con.cursor(), table, args)
            message = " ".join(m for m in (message, note) if m) or None
        return _emit(table, args.format, _noting_flaws(con.cursor(), args.wave, message))


def _noting_flaws(cur, wave: str | None, message: str | None) -> str | None:
    """The message, and a warning when the wave holds answers an old version mis-stored."""
    name = store.wave_row(cur, wave)["name"]
    if (flaw := store.legacy.off_scale(cur).get(name)) is None:
        return message
    return " ".join(m for m in (message, store.legacy.warning(name, *flaw)) if m)


CHANGE_COLUMNS = ["change", "change_ci_low", "change_ci_high"]


def _with_change(cur, table, args):
    """The scores with the change since ``--since`` appended (empty where none is shown)."""
    change = store.change(cur, by=args.by, wave=args.wave, since=args.since,
                          where=_where(args.where), min_group_size=args.min_group_size)
    merged = table.merge(change.table[["group", "dimension", *CHANGE_COLUMNS]],
                         on=["group", "dimension"], how="left")
    return merged[[*GROUP_COLUMNS, *CHANGE_COLUMNS]], change.message


ITEM_COLUMNS = ["item", "pole", "reverse", "value", "label", "count", "share"]
MIX_COLUMNS = ["dimension", "archetype", "n", "share"]


def cmd_items(args) -> int:
    with reading(args.db) as con:
        result = store.item_distribution(con.cursor(), args.dimension, wave=args.wave,
                                         where=_where(args.where),
                                         min_group_size=args.min_group_size)
        table = result.table.rename(columns={"item_id": "item"})[ITEM_COLUMNS]
        table["value"] = [int(v) if float(v).is_integer() else v for v in table["value"]]
        return _emit(table, args.format, _noting_flaws(con.cursor(), args.wave, result.message))


def cmd_mix(args) -> int:
    with reading(args.db) as con:
        result = store.archetype_mix(con.cursor(), wave=args.wave, where=_where(args.where),
                                     min_group_size=args.min_group_size)
        return _emit(result.table[MIX_COLUMNS], args.format,
                     _noting_flaws(con.cursor(), args.wave, result.message))


def cmd_backup(args) -> int:
    from .store.backup import backup
    waves, people = backup(args.db or store.default_db_path(), args.directory)
    print(f"backed up {waves} wave(s), {people:,} respondents to {args.directory} "
          "(back up lvm_settings.toml and lvm_secrets.toml separately)")
    return 0


def cmd_restore(args) -> int:
    from .store.backup import restore
    target = args.db or store.default_db_path()
    waves, people = restore(args.directory, target)
    print(f"restored {waves} wave(s), {people:,} respondents into {target}")
    return 0


def cmd_set_minimum(args) -> int:
    con = store.connect(args.db)
    cur = con.cursor()
    old = store.set_minimum(cur, args.k)
    now = store.minimum(cur)
    print(f"anonymity minimum recorded in {args.db or store.default_db_path()}: {args.k} "
          f"(was {old if old is not None else 'not recorded'}). Every page, export and "
          f"command on this database now hides groups of fewer than {now} respondents"
          + (f" (a settings file or caller raises it to {now})" if now != args.k else "")
          + ".")
    return 0


def cmd_waves(args) -> int:
    with reading(args.db) as con:
        table = store.waves(con.cursor())[["wave", "wave_date", "respondents", "tool", "source"]]
        sys.stdout.write(csv_text(table))
        for wave, flaw in store.legacy.off_scale(con.cursor()).items():
            print(store.legacy.warning(wave, *flaw), file=sys.stderr)
        return 0


def cmd_delete_wave(args) -> int:
    con = store.connect(args.db)
    n = store.delete_wave(con.cursor(), args.name)
    print(f"deleted wave {args.name!r} ({n:,} respondents)")
    return 0


def cmd_rename_wave(args) -> int:
    con = store.connect(args.db)
    store.rename_wave(con.cursor(), args.old, args.new)
    print(f"renamed wave {args.old!r} to {args.new!r}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lvm_data", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("instrument", help="print the default instrument as CSV").set_defaults(
        func=cmd_instrument)
    p = sub.add_parser("sample", help="write a synthetic export in the plain layout")
    p.add_argument("--respondents", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--waves", type=int, default=1)
    p.add_argument("--360", dest="raters", action="store_true",
                   help="360-degree feedback: a Rater column (Self, Manager, Peer, Direct "
                        "report); the other columns describe the leader rated")
    p.set_defaults(func=cmd_sample)
    _import_parser(sub)
    _scores_parser(sub)
    _figure_parsers(sub)
    add_reliability_parser(sub, _selection_args, _where)
    p = sub.add_parser("waves", help="list the imported waves")
    _db(p)
    p.set_defaults(func=cmd_waves)
    p = sub.add_parser("delete-wave", help="delete a wave and all its responses")
    p.add_argument("name")
    _db(p)
    p.set_defaults(func=cmd_delete_wave)
    p = sub.add_parser("rename-wave", help="rename a wave")
    p.add_argument("old")
    p.add_argument("new")
    _db(p)
    p.set_defaults(func=cmd_rename_wave)
    add_share_parser(sub, _db, _where)
    return parser


def _import_parser(sub) -> None:
    p = sub.add_parser("import", help="import a survey export as a new wave")
    p.add_argument("file")
    p.add_argument("--wave", help="wave name (default: the file's wave column, else its name)")
    p.add_argument("--date", help="wave date, YYYY-MM-DD (default: today)")
    p.add_argument("--codebook", help="CSV mapping question,item (with dimension,pole,reverse "
                                      "for a custom instrument)")
    p.add_argument("--tool", choices=sorted(TOOLS), help="override the detected survey tool")
    p.add_argument("--include-partial", action="store_true",
                   help="keep unfinished responses (excluded by default)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out rows with answers off the scale instead of stopping")
    p.add_argument("--dry-run", action="store_true", help="print the validation report only "
                   "(checks the file alone; the database is not opened)")
    p.add_argument("--exclude-flagged", metavar="FLAGS", help="leave careless responses out "
                   "of every score: straightliners,speeders or none (default: the settings "
                   "file's exclude_flagged); recorded with the wave")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--replace", action="append", metavar="WAVE",
                       help="the file is a re-export of this wave: replace it (one transaction)")
    again.add_argument("--as-new-wave", action="store_true",
                       help="keep the wave this file repeats and import the file as a new one")
    p.add_argument("--keep-sample", action="store_true",
                   help="keep the sample (demo) waves the dashboard loaded; removed otherwise")
    _db(p)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("headcount", help="store a wave's headcounts (attribute columns + "
                                         "headcount) for response rates")
    p.add_argument("file")
    p.add_argument("--wave", help="wave name (default: the most recent)")
    _db(p)
    p.set_defaults(func=cmd_headcount)


def _selection_args(p) -> None:
    """The options every figure command shares: the same rules as the dashboard."""
    p.add_argument("--wave", help="wave name (default: the most recent)")
    p.add_argument("--where", action="append", metavar="ATTR=VALUE",
                   help="filter; repeat for several (same attribute: any of the values)")
    p.add_argument("--min-group-size", type=int,
                   help="raise the anonymity minimum (cannot go below the organisation's)")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    _db(p)


def _scores_parser(sub) -> None:
    p = sub.add_parser("scores", help="dimension scores by group (anonymity rules applied)")
    p.add_argument("--by", help="department, team, role or another attribute")
    p.add_argument("--since", metavar="WAVE", help="add the change in orientation since "
                   "this wave with its 95%% CI (columns change,change_ci_low,change_ci_high)")
    _selection_args(p)
    p.set_defaults(func=cmd_scores)


def _figure_parsers(sub) -> None:
    p = sub.add_parser("items", help="answer distribution of a dimension's items")
    p.add_argument("--dimension", required=True, help="dimension key, e.g. vision_execution")
    _selection_args(p)
    p.set_defaults(func=cmd_items)
    p = sub.add_parser("mix", help="archetype mix per dimension")
    _selection_args(p)
    p.set_defaults(func=cmd_mix)
    for name, func, text in (("backup", cmd_backup, "export the database to DIR (Parquet)"),
                             ("restore", cmd_restore, "import a backup into a new database")):
        p = sub.add_parser(name, help=text)
        p.add_argument("directory")
        _db(p)
        p.set_defaults(func=func)
    p = sub.add_parser("set-minimum", help="record the organisation's anonymity minimum in "
                                           "the database (the only way to lower it)")
    p.add_argument("k", type=int, help="minimum group size, at least 2")
    _db(p)
    p.set_defaults(func=cmd_set_minimum)


def _waiting() -> None:
    print("waiting for the database: another process (the dashboard or an import) has it "
          f"open; trying again for up to {store.session.WAIT_SECONDS:g} s", file=sys.stderr)


def _upgrading(waves: int) -> None:
    print(f"preparing the database for this version, once: kept counts for {waves} earlier "
          "wave(s), about half a second per million respondents", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    store.session.on_wait = _waiting
    store.schema.on_upgrade = _upgrading
    try:
        return args.func(args)
    except EXPECTED_ERRORS as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
