"""The `almerekg link cbs|kvk` commands (kept here so cli.py only wires them in).

Their flags are declared in settings.py (the network settings in the table, the rest as options of one run);
this module adds only what CBS and KvK themselves fix: the OData flavours, the services' addresses, KvK's
page-size range.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..settings import Settings, add_arguments
from . import cbs, kvk, statline_export
from .http import Fetcher, LinkError


def _say(msg: str) -> None:
    print(msg, file=sys.stderr)


def _fetcher(args: argparse.Namespace, cfg: Settings, name: str, headers: dict[str, str] | None = None) -> Fetcher:
    return Fetcher(cache_dir=cfg.link_cache_dir(name), timeout=cfg.link_timeout, retries=cfg.link_retries,
                   backoff=cfg.link_backoff, refresh=args.refresh, headers=headers or {}, say=_say)


def cmd_link_cbs(args: argparse.Namespace, cfg: Settings) -> int:
    if args.export:
        return _link_export(args, cfg)
    fetcher = _fetcher(args, cfg, "cbs")
    if args.find:
        for t in cbs.find_tables(fetcher, args.find, args.catalog_url):
            print(f"{t.get('Identifier', '')}\t{t.get('Period', '')}\t{t.get('Title', '')}")
        return 0
    if not args.table:
        confirmed = cbs.propose_defaults(lambda table: cbs.StatLine(fetcher, table, args.api, args.base_url))
        return 0 if confirmed else 2
    statline = cbs.StatLine(fetcher, args.table, args.api, args.base_url)
    if args.describe:
        print(cbs.describe(statline.meta()))
        return 0
    if not args.municipality or not args.years:
        raise LinkError("give --municipality (a CBS code such as the one data/registers/ lists) and --years")
    fixed = dict(pair.partition("=")[::2] for pair in args.fix)
    out = Path(args.out) if args.out else cfg.linksets_dir / "cbs"
    result = cbs.fetch(statline, args.municipality, args.years, cbs.parse_measures(args.measure), out, fixed, _say)
    print(f"wrote {result.rows} observations to {result.csv_path} (provenance in {result.manifest_path.name}); "
          f"{result.skipped_empty} empty cell(s) left out; {fetcher.requests_made} request(s) sent")
    print("run `almerekg build` to load them into the graph "
          f"linkset-cbs-{args.table.lower()}-{args.municipality.lower()}")
    return 0


def _link_export(args: argparse.Namespace, cfg: Settings) -> int:
    """--export FILE: a StatLine CSV export instead of the API; the same linkset, no network."""
    if not args.table or not args.municipality or not args.years:
        raise LinkError("with --export give --table (the export's table id), --municipality and --years")
    out = Path(args.out) if args.out else cfg.linksets_dir / "cbs"
    result = statline_export.link_export(Path(args.export), args.table, args.municipality, args.years,
                                         cbs.parse_measures(args.measure), args.unit, cfg.data_dir, out)
    print(f"wrote {result.rows} observations to {result.csv_path} (provenance in {result.manifest_path.name}); "
          f"{result.skipped_empty} empty cell(s) left out")
    print("run `almerekg build` to load them into the graph "
          f"linkset-cbs-{args.table.lower()}-{args.municipality.lower()}")
    return 0


def cmd_link_kvk(args: argparse.Namespace, cfg: Settings) -> int:
    if args.apply:
        done = kvk.apply(Path(args.apply), cfg.data_dir, cfg.linksets_dir)
        print(f"{done.accepted} accepted, {done.rejected} rejected, {done.undecided} left undecided -> {done.path}")
        print("run `almerekg build` to load the accepted links into the graph linkset-kvk")
        return 0
    fetcher = _fetcher(args, cfg, "kvk", headers={"apikey": kvk.api_key()})
    firms = kvk.report_firms(cfg.data_dir, args.include_organisations)
    if args.firm:
        firms = [f for f in firms if f.key in set(args.firm)]
    rows = kvk.candidates(fetcher, firms, args.base_url, args.per_firm, _say)
    out = Path(args.out)
    kvk.write_csv(out, kvk.CANDIDATE_COLUMNS, rows)
    print(f"wrote {len(rows)} candidate(s) for {len(firms)} firm(s) to {out}")
    print("review it: set decision to accept or reject, fill reviewer and reviewed_at, then run "
          f"`almerekg link kvk --apply {out}`")
    return 0


def _per_page(text: str) -> int:
    """--per-firm is KvK's resultatenPerPagina: 1 to 100 (checked before any request is sent)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value not in kvk.PER_PAGE:
        raise argparse.ArgumentTypeError(f"{value} is outside 1-100 (KvK's resultatenPerPagina)")
    return value


def add_parser(sub: argparse._SubParsersAction, config: Callable[[argparse.Namespace], Settings]) -> None:
    link = sub.add_parser("link", help="link the graph to CBS statistics and KvK registrations")
    lsub = link.add_subparsers(dest="link_command", required=True)

    c = lsub.add_parser("cbs", help="fetch establishments/jobs by SBI section for a municipality from CBS StatLine")
    add_arguments(c, "link cbs", {"api": {"choices": tuple(cbs.DEFAULT_BASE)},
                                  "catalog_url": {"default": cbs.DEFAULT_CATALOG},
                                  "unit": {"help": "with --export: the measure's unit as StatLine states it (aantal, "
                                           "x 1 000); needed for tables other than "
                                           + ", ".join(statline_export.EXPORT_TABLES)}})
    c.set_defaults(func=lambda a: _run(cmd_link_cbs, a, config))

    k = lsub.add_parser("kvk", help="propose KvK registrations for the report's firms; --apply a reviewed file")
    add_arguments(k, "link kvk", {"base_url": {"default": kvk.DEFAULT_BASE}, "per_firm": {"type": _per_page}})
    k.set_defaults(func=lambda a: _run(cmd_link_kvk, a, config))


def _run(cmd: Callable[[argparse.Namespace, Settings], int], args: argparse.Namespace,
         config: Callable[[argparse.Namespace], Settings]) -> int:
    try:
        return cmd(args, config(args))
    except LinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


__all__ = ["add_parser"]
