"""``python -m lvm_data share create|list|revoke``: manage scoped links from a shell.

Whoever can run these can open the database file, so is an administrator by definition.
They wait for the file (``store.session``), so they work while the dashboard runs.
"""
from __future__ import annotations

import json
import sys

from . import access
from .store import session, shares


def link_path(share: shares.Share) -> str:
    return f"/{share.page}?share={share.id}"


def cmd_create(args, where: dict[str, list[str]]) -> int:
    if not where:
        raise ValueError("share create needs at least one --where ATTRIBUTE=VALUE")
    with session.briefly(args.db) as con:
        share = shares.create(con.cursor(), where, wave=args.wave, page=args.page,
                              label=args.label or "", expires_days=args.expires_days,
                              require_login=args.require_login, created_by="command line")
    print(access.full_link(access.load_access(), link_path(share)))
    return 0


def cmd_list(args) -> int:
    with session.briefly(args.db, read_only=True) as con:
        table = shares.list_shares(con.cursor())
    for col in ("created_at", "expires_at"):
        table[col] = table[col].astype(str)
    if args.format == "json":
        print(json.dumps(json.loads(table.to_json(orient="records")), indent=1))
    else:
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    return 0


def cmd_revoke(args) -> int:
    with session.briefly(args.db) as con:
        cur = con.cursor()
        if shares.get(cur, args.id) is None:
            raise ValueError(f"no share link with id {args.id!r}")
        done = shares.revoke(cur, args.id)
    print(f"revoked {args.id}" if done else f"{args.id} was already revoked")
    return 0


def add_parser(sub, db, where) -> None:
    """The ``share`` command and its three subcommands; ``db``/``where`` are cli's helpers."""
    p = sub.add_parser("share", help="scoped share links: create, list, revoke")
    acts = p.add_subparsers(dest="action", required=True)
    c = acts.add_parser("create", help="a link to part of the organisation; prints it")
    c.add_argument("--where", action="append", metavar="ATTR=VALUE", required=True,
                   help="locked filter; repeat for several (same attribute: any of the values)")
    c.add_argument("--wave", help="fix the wave (default: the viewer picks any wave)")
    c.add_argument("--page", choices=shares.PAGES, default="overview")
    c.add_argument("--label", help="what the link is for, shown to admins and the viewer")
    c.add_argument("--expires-days", type=int, default=shares.DEFAULT_DAYS)
    c.add_argument("--require-login", action="store_true",
                   help="the viewer must sign in as well (access = \"login\")")
    db(c)
    c.set_defaults(func=lambda args: cmd_create(args, where(args.where)))
    ls = acts.add_parser("list", help="every link with how often it was opened")
    ls.add_argument("--format", choices=("csv", "json"), default="csv")
    db(ls)
    ls.set_defaults(func=cmd_list)
    r = acts.add_parser("revoke", help="stop a link from working, at once")
    r.add_argument("id")
    db(r)
    r.set_defaults(func=cmd_revoke)
