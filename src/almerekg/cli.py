"""The `almerekg` command: build, validate, sparql, query, info, serve, link."""

from __future__ import annotations

import argparse
import sys

import pyoxigraph as ox

from .config import Config, from_env


def _common(p: argparse.ArgumentParser, base: bool = True) -> None:
    p.add_argument("--store", help="store folder (default: $ALMEREKG_STORE or ./var/store)")
    if base:
        p.add_argument("--base", help="base IRI of the graph (default: $ALMEREKG_BASE or https://almerekg.example)")
    p.add_argument("--data", help="folder with the curated data files (default: ./data)")


def _config(args: argparse.Namespace) -> Config:
    return from_env(store=getattr(args, "store", None), base=getattr(args, "base", None),
                    data=getattr(args, "data", None),
                    query_timeout=getattr(args, "query_timeout", None))


def cmd_build(args: argparse.Namespace) -> int:
    from .graph.pipeline import BuildFailed, DataError, run_build
    from .store import StoreError
    from .validate import ShapesError

    cfg = _config(args)
    try:
        info = run_build(cfg)
    except (DataError, ShapesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("the store was not changed", file=sys.stderr)
        return 2
    except BuildFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:  # a remote store refused or did not answer
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a folder that cannot be written
        print(f"error: {exc}", file=sys.stderr)
        print("the build was not published: the store still serves the previous build", file=sys.stderr)
        return 1
    print(f"build {info.build_id[:16]}  {info.triples:,} triples  base {info.base}  store {cfg.store}")
    width = max(len(g) for g in info.graphs)
    for graph, n in sorted(info.graphs.items()):
        print(f"  {graph:<{width}}  {n:>7,}")
    if info.validation.get("warnings"):
        print(f"  {info.validation['warnings']} warning(s): the report's own figures that do not add up "
              "(see the notes graph and /dataset/validation)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .graph.pipeline import DataError, assemble, read_turtle_dir
    from .validate import ShapesError, validate
    from .vocab import Iris

    cfg = _config(args)
    try:
        graphs = assemble(cfg)
        result = validate(graphs.union(), read_turtle_dir(cfg.shapes_dir, Iris(cfg.base)), graphs.rows)
    except (DataError, ShapesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for f in result.violations:
        print(f"violation: {f}")
    for f in result.warnings:
        print(f"warning: {f}")
    print(f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s)")
    return 1 if result.violations else 0


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return str(term)


def cmd_sparql(args: argparse.Namespace) -> int:
    from .store import EmbeddedStore, StoreError

    cfg = _config(args)
    if cfg.store_is_remote:
        print(f"error: {cfg.store} is a SPARQL server: query it directly, or through `almerekg serve --store URL`",
              file=sys.stderr)
        return 2
    query = open(args.file, encoding="utf-8").read() if args.file else args.query
    if not query:
        print("error: give a query or --file", file=sys.stderr)
        return 2
    try:
        store, _info = EmbeddedStore(cfg.store).open(in_memory=False)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        print(f"error: the query is not valid SPARQL: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    if isinstance(result, ox.QueryBoolean):
        print("true" if bool(result) else "false")
        return 0
    if isinstance(result, ox.QueryTriples):
        out.write(result.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8"))
        return 0
    fmt = args.format
    if fmt in ("csv", "tsv", "json"):
        formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON}
        out.write(result.serialize(format=formats[fmt]).decode("utf-8"))
        return 0
    names = [v.value for v in result.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    out.write("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=sys.stderr)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from .store import EmbeddedStore, StoreError

    cfg = _config(args)
    try:
        if cfg.store_is_remote:
            from .store.remote import RemoteStore

            info = RemoteStore(cfg.store, cfg.base).info()
        else:
            info = EmbeddedStore(cfg.store).info()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(info.to_json())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.serve import run

    cfg = _config(args)
    if args.query_workers:
        cfg = cfg.with_(extra={**cfg.extra, "query_workers": args.query_workers})
    if args.workers > 1:
        from .web.multi import run_processes

        run_processes(cfg, host=args.host, port=args.port, threads=args.threads, processes=args.workers)
        return 0
    run(cfg, host=args.host, port=args.port, threads=args.threads)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Run a saved query (queries/NAME.rq) and print it in the report's layout."""
    import json

    from .queries import CatalogueError, ParamError, QueryFailed, catalogue, run, store_executor
    from .store import EmbeddedStore, StoreError
    from .tables import json_rows, layout, report_grid, text_table, write_csv

    cfg = _config(args)
    try:
        cat = catalogue(cfg.queries_dir)
    except CatalogueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.list or not args.name:
        for q in cat.queries:
            print(f"{q.name:<26} {q.title['nl']}")
        return 0
    query = cat.get(args.name)
    if query is None:
        print(f"error: no saved query {args.name!r} (try: {', '.join(cat.names())})", file=sys.stderr)
        return 2
    raw = {}
    for item in args.param or ():
        key, sep, value = item.partition("=")
        if not sep:
            print(f"error: --param {item!r}: write name=value", file=sys.stderr)
            return 2
        raw[key.strip()] = value
    try:
        binding = query.bind(raw)
        store, info = EmbeddedStore(cfg.store).open(in_memory=False)
        result = run(query, info.base, binding, store_executor(store))
    except ParamError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (StoreError, QueryFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout
    if args.format == "json":
        doc = {"query": query.name, "build": info.build_id, "parameters": binding.as_dict(),
               "columns": result.variables, "rows": json_rows(result)}
        out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return 0
    table = layout(query, result, args.lang)
    if args.format == "csv":
        out.buffer.write(write_csv(report_grid(table, args.dialect), args.dialect))
        out.flush()
        return 0
    out.write(query.title[args.lang] + "\n\n" + text_table(table))
    print(f"(build {info.build_id[:16]}; {len(result.rows)} result rows)", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="almerekg", description="The report 'Groei door samenwerking in Almere' "
                                "(2011) as a knowledge graph.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="turn data/ into a validated store and publish it atomically")
    _common(b)
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="check data/ against the shapes without publishing")
    _common(v)
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("sparql", help="run a SPARQL query on the store (default graph = union of all graphs)")
    s.add_argument("query", nargs="?")
    s.add_argument("--file", "-f")
    s.add_argument("--format", choices=("table", "csv", "tsv", "json"), default="table")
    _common(s, base=False)
    s.set_defaults(func=cmd_sparql)

    i = sub.add_parser("info", help="describe the store's current build")
    _common(i)  # --base: a SPARQL server may hold builds of several bases
    i.set_defaults(func=cmd_info)

    w = sub.add_parser("serve", help="serve /sparql, pages and IRIs (waitress)")
    _common(w)
    w.add_argument("--host", default="127.0.0.1")
    w.add_argument("--port", type=int, default=8080)
    w.add_argument("--threads", type=int, default=8)
    w.add_argument("--query-timeout", type=float, dest="query_timeout")
    w.add_argument("--workers", type=int, default=1,
                   help="web server processes sharing the port (default 1); the web tier keeps no state")
    w.add_argument("--query-workers", type=int, help="query processes per web process (embedded store)")
    w.set_defaults(func=cmd_serve)

    q = sub.add_parser("query", help="run a saved query (queries/NAME.rq) in the report's layout")
    q.add_argument("name", nargs="?", help="the saved query; without it (or with --list) list them all")
    q.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help="a parameter (repeatable)")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.add_argument("--dialect", choices=("rfc4180", "excel-nl"), default="rfc4180", help="CSV flavour")
    q.add_argument("--lang", choices=("nl", "en"), default="nl")
    q.add_argument("--list", action="store_true", help="list the saved queries")
    _common(q, base=False)
    q.set_defaults(func=cmd_query)

    from .link.cli import add_parser as add_link_parser  # link cbs | link kvk

    add_link_parser(sub, _common, _config)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
