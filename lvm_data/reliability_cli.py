"""``python -m lvm_data reliability``: how far each scale of a selection can be trusted.

Columns ``scale,dimension,pole,items,n,alpha,alpha_ci_low,alpha_ci_high,omega`` (``pole``
empty for a whole dimension, ``omega`` empty where it cannot be computed honestly); with
``--items`` the item analysis instead. The same anonymity rules as every figure: a scale
answered completely by fewer than k respondents of the selection is withheld.
"""
from __future__ import annotations

import json
import sys

from . import store
from .export import csv_text
from .instrument import load_codebook
from .store.item_matrix import COLUMNS, ITEM_COLUMNS


def _omega_notes(table) -> list[str]:
    return [f"omega of {s}: not given, {why}" for s, why in zip(table["scale"], table["omega_note"])
            if isinstance(why, str)]


def _flags(result) -> list[str]:
    lines = [f"flag: scale {s}: {f}" for s, f in zip(result.table["scale"], result.table["flag"])
             if isinstance(f, str)]
    items = result.extra["items"]
    lines += [f"flag: scale {s}, item {i}: {f}"
              for s, i, f in zip(items["scale"], items["item"], items["flag"]) if isinstance(f, str)]
    return lines


def cmd_reliability(args, where) -> int:
    with store.session.briefly(args.db, read_only=True) as con:    # beside other readers
        instrument = None
        if args.codebook:
            instrument = load_codebook(args.codebook).instrument
            if instrument is None:
                raise ValueError(f"{args.codebook}: the codebook defines no scales (it needs the "
                                 "columns dimension,pole,reverse)")
        result = store.reliability(con.cursor(), wave=args.wave, where=where,
                                   min_group_size=args.min_group_size, instrument=instrument)
        table = result.extra["items"][[c for c in ITEM_COLUMNS if c != "text"]] if args.items \
            else result.table[COLUMNS]
        notes = [result.extra["listwise"], *_omega_notes(result.table), *_flags(result)]
        if result.message:
            notes.append(result.message)
        if args.format == "json":
            records = json.loads(table.to_json(orient="records", double_precision=10))
            print(json.dumps({"missing": "listwise", "notes": notes,
                              "items" if args.items else "scales": records}, indent=1))
        else:
            sys.stdout.write(csv_text(table, float_format="%.6f"))
            for line in notes:
                print(line, file=sys.stderr)
        return 0


def add_parser(sub, selection_args, parse_where) -> None:
    p = sub.add_parser("reliability", help="Cronbach's alpha (95%% CI) and McDonald's omega "
                                           "per scale, listwise (anonymity rules applied)")
    p.add_argument("--codebook", help="take the scales and reverse keys from this codebook "
                                      "(dimension,pole,reverse) instead of the wave's")
    p.add_argument("--items", action="store_true", help="print the item analysis: corrected "
                   "item-total correlation and alpha if the item is deleted")
    selection_args(p)
    p.set_defaults(func=lambda args: cmd_reliability(args, parse_where(args.where)))
