"""The `almerekg link cbs|kvk` commands (kept here so cli.py only wires them in)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..settings import Settings
from . import cbs, kvk, statline_export
from .http import Fetcher, LinkError


def _say(msg: str) -> None:
    print(msg, file=sys.stderr)


def _fetcher(args: argparse.Namespace, cfg: Settings, name: str, headers: dict[str, str] | None = None) -> Fetcher:
    cache = Path(args.cache_dir) if args.cache_dir else cfg.project_root / "var" / "cache" / name
    return Fetcher(cache_dir=cache, timeout=args.timeout, retries=args.retries, backoff=args.backoff,
                   refresh=args.refresh, headers=headers or {}, say=_say)


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


def _network(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache-dir", help="where answers are kept (default: var/cache/<service>)")
    p.add_argument("--refresh", action="store_true", help="ask the service again even when an answer is cached")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    p.add_argument("--retries", type=int, default=4, help="retries on 429/5xx and network errors (default 4)")
    p.add_argument("--backoff", type=float, default=1.0, help="first back-off in seconds, doubled per retry")
    p.add_argument("--linksets", help="linksets folder (default: $ALMEREKG_LINKSETS or ./linksets)")


def add_parser(sub: argparse._SubParsersAction, common: Callable[..., None],
               config: Callable[[argparse.Namespace], Settings]) -> None:
    link = sub.add_parser("link", help="link the graph to CBS statistics and KvK registrations")
    lsub = link.add_subparsers(dest="link_command", required=True)

    c = lsub.add_parser("cbs", help="fetch establishments/jobs by SBI section for a municipality from CBS StatLine")
    c.add_argument("--table", help="CBS StatLine table id (without it: the documented tables, described by CBS)")
    c.add_argument("--municipality", help="CBS municipality code, e.g. the code of Almere in data/registers/ (with "
                   "--export also a province code PVnn or NL for the country)")
    c.add_argument("--years", type=int, nargs="+", help="years to fetch (whole-year figures)")
    c.add_argument("--measure", action="append", default=[], metavar="KEY=establishments|jobs",
                   help="which measure of the table counts establishments or jobs (see --describe)")
    c.add_argument("--fix", action="append", default=[], metavar="DIM=KEY", help="pin any further dimension")
    c.add_argument("--api", choices=tuple(cbs.DEFAULT_BASE), default="v3", help="CBS OData flavour (default v3)")
    c.add_argument("--base-url", help="service root (default: v3 " + cbs.DEFAULT_BASE["v3"] + ", v4 "
                   + cbs.DEFAULT_BASE["v4"] + ")")
    c.add_argument("--catalog-url", default=cbs.DEFAULT_CATALOG, help="CBS table catalogue for --find")
    c.add_argument("--find", nargs="+", metavar="WORD", help="list catalogue tables whose title has all WORDs")
    c.add_argument("--describe", action="store_true", help="show the table's dimensions and measures")
    c.add_argument("--out", help="folder for the linkset (default: linksets/cbs)")
    c.add_argument("--export", metavar="FILE", help="read a StatLine CSV export instead of the API (no network)")
    c.add_argument("--unit", help="with --export: the measure's unit as StatLine states it (aantal, x 1 000); "
                   "needed for tables other than " + ", ".join(statline_export.EXPORT_TABLES))
    _network(c)
    common(c, base=False)
    c.set_defaults(func=lambda a: _run(cmd_link_cbs, a, config))

    k = lsub.add_parser("kvk", help="propose KvK registrations for the report's firms; --apply a reviewed file")
    k.add_argument("--apply", metavar="FILE", help="turn the accepted rows of a reviewed candidates file into links")
    k.add_argument("--out", default="kvk-candidates.csv", help="candidates file to write (default kvk-candidates.csv)")
    k.add_argument("--base-url", default=kvk.DEFAULT_BASE, help="KvK API root (default " + kvk.DEFAULT_BASE + ")")
    k.add_argument("--per-firm", type=_per_page, default=10, help="candidates asked per firm, 1-100 (default 10)")
    k.add_argument("--firm", action="append", default=[], help="only this firm id (repeatable)")
    k.add_argument("--include-organisations", action="store_true",
                   help="also the firms of data/organisations.csv (parents, partners; no place known)")
    _network(k)
    common(k, base=False)
    k.set_defaults(func=lambda a: _run(cmd_link_kvk, a, config))


def _run(cmd: Callable[[argparse.Namespace, Settings], int], args: argparse.Namespace,
         config: Callable[[argparse.Namespace], Settings]) -> int:
    try:
        cfg = config(args)
        if getattr(args, "linksets", None):
            cfg = cfg.with_(linksets=Path(args.linksets).resolve())
        return cmd(args, cfg)
    except LinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


__all__ = ["add_parser"]
