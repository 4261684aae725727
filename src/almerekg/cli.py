"""The `almerekg` command: build, validate, sparql, query, info, serve, link.

Flags come from the settings table (settings.py); `sparql` and `query` run through the same engine as
the web server (engine/), so they work on a store folder and on a SPARQL server alike, with the same
checks, limits, formats and error messages.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import settings as settings_table
from .engine import formats
from .errors import AppError
from .settings import Settings


def _config(args: argparse.Namespace) -> Settings:
    return settings_table.load(args)


def _fail(exc: Exception, code: int | None = None) -> int:
    """Print the error; exit status `code`, else the error's own (2: what was asked is wrong, 1: failed here)."""
    message = exc.message if isinstance(exc, AppError) else str(exc)
    print(f"error: {message}", file=sys.stderr)
    if code is not None:
        return code
    return exc.exit_code if isinstance(exc, AppError) else 2


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
    except (BuildFailed, StoreError) as exc:  # a failed check, a remote store that refused or did not answer
        return _fail(exc, 1)
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
        result = validate(graphs.union(), read_turtle_dir(cfg.shapes_dir, Iris(cfg.base)), graphs.rows,
                          cfg.shacl_engine)
    except (DataError, ShapesError) as exc:
        return _fail(exc)
    for f in result.violations:
        print(f"violation: {f}")
    for f in result.warnings:
        print(f"warning: {f}")
    print(f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s)")
    return 1 if result.violations else 0


def _engine(cfg: Settings):  # noqa: ANN202 - engine.Engine, imported lazily (it starts processes)
    from .engine import Engine

    # One query process is enough for one command; the engine still runs it sealed, with the timeout.
    return Engine(cfg.with_(query_workers=cfg.query_workers or 1, quarantine_seconds=0.0))


# `table` prints SPARQL JSON as a table; every other name is a results format of the one registry.
_RESULT_FORMATS = {f.names[0]: f.media_type for f in formats.of_kind(formats.RESULTS)}
CLI_FORMATS = {"table": _RESULT_FORMATS["json"], **_RESULT_FORMATS}


def cmd_sparql(args: argparse.Namespace) -> int:
    from .engine import QueryRequest
    from .store import StoreError

    cfg = _config(args)
    try:
        query = open(args.file, encoding="utf-8").read() if args.file else args.query
    except OSError as exc:
        return _fail(exc)
    if not query:
        print("error: give a query or --file", file=sys.stderr)
        return 2
    engine = _engine(cfg)
    try:
        engine.build()  # a store without a build is a wrong --store: exit 2, as for any wrong argument
    except AppError as exc:
        engine.close()
        return _fail(exc, 2)
    try:
        answer = engine.query(QueryRequest(query, results_type=CLI_FORMATS[args.format], cache=False))
    except (AppError, StoreError) as exc:
        return _fail(exc)
    finally:
        engine.close()
    if answer.kind == "graph":
        sys.stdout.write(answer.body.decode("utf-8"))
        return 0
    if args.format != "table":
        sys.stdout.write(answer.body.decode("utf-8"))
        return 0
    from .engine.rows import decode

    found = decode(answer.body)
    if found.boolean is not None:
        print("true" if found.boolean else "false")
        return 0
    names = found.variables
    rows = [[row[n].value if n in row else "" for n in names] for row in found.rows]
    _print_table(names, rows)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=sys.stderr)
    return 0


def _print_table(names: list[str], rows: list[list[str]]) -> None:
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    out = sys.stdout
    out.write("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


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
        return _fail(exc)
    print(info.to_json())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.serve import serve

    return serve(_config(args))


def cmd_query(args: argparse.Namespace) -> int:
    """Run a saved query (queries/NAME.rq) and print it in the report's layout."""
    from .engine import QueryRequest
    from .engine.rows import select
    from .saved_queries import CatalogueError, ParamError, load_catalogue
    from .saved_queries.tables import json_rows, layout, report_grid, text_table, write_csv
    from .store import StoreError

    cfg = _config(args)
    try:
        cat = load_catalogue(cfg.queries_dir)
    except CatalogueError as exc:
        return _fail(exc)
    if args.list or not args.name:
        for q in cat.queries:
            print(f"{q.name:<26} {q.title['nl']}")
        return 0
    query = cat.get(args.name)
    if query is None:
        print(f"error: no saved query {args.name!r} (try: {', '.join(cat.names())})", file=sys.stderr)
        return 2
    raw: dict[str, list[str]] = {}
    for item in args.param or ():
        key, sep, value = item.partition("=")
        if not sep:
            print(f"error: --param {item!r}: write name=value", file=sys.stderr)
            return 2
        raw.setdefault(key.strip(), []).append(value)  # repeated for a parameter that takes several values
    try:
        binding = query.bind(raw)
    except ParamError as exc:
        return _fail(exc)
    engine = _engine(cfg)
    try:
        build = engine.build()
        result = select(engine, QueryRequest(query.sparql(build.info.base, binding)))
    except (AppError, StoreError) as exc:
        return _fail(exc, 1)
    finally:
        engine.close()
    out = sys.stdout
    if args.format == "json":
        doc = {"query": query.name, "build": build.info.build_id, "parameters": binding.as_json(query.params),
               "columns": result.variables, "rows": json_rows(result)}
        out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return 0
    table = layout(query, result, args.lang)
    if args.format == "csv":
        out.buffer.write(write_csv(report_grid(table, args.dialect), args.dialect))
        out.flush()
        return 0
    out.write(query.title[args.lang] + "\n\n" + text_table(table))
    print(f"(build {build.info.build_id[:16]}; {len(result.rows)} result rows)", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="almerekg", description="The report 'Groei door samenwerking in Almere' "
                                "(2011) as a knowledge graph.")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, func, help_text: str, **refine: dict) -> None:  # noqa: ANN001
        c = sub.add_parser(name, help=help_text, description=help_text)
        settings_table.add_arguments(c, name, refine)
        c.set_defaults(func=func)

    command("build", cmd_build, "turn data/ into a validated store and publish it atomically")
    command("validate", cmd_validate, "check data/ against the shapes without publishing")
    command("sparql", cmd_sparql, "run a SPARQL query (default graph = union of all graphs)",
            format={"choices": tuple(CLI_FORMATS)})
    command("info", cmd_info, "describe the store's current build")
    command("serve", cmd_serve, "serve /sparql, the saved queries, pages and IRIs")
    command("query", cmd_query, "run a saved query (queries/NAME.rq) in the report's layout")

    from .link.cli import add_parser as add_link_parser  # link cbs | link kvk

    add_link_parser(sub, _config)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
