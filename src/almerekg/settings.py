"""Every setting and every flag, declared once: its default, unit, flag, environment variable, help, and who uses it.

The `Settings` dataclass is the table of settings: how an installation is set up (limits, folders, addresses),
each with a flag and an `ALMEREKG_*` variable. `OPTIONS` lists the other flags: what one run of one command
is asked to do (`sparql --format`, `link cbs --table`), with no environment variable. Every command builds its
parser from these two (`add_arguments`: cli.py, link/cli.py, coverage.py), the web server and the engine read
their limits and defaults from the table, and README's table is checked against it (tests/test_settings.py).
A command may only refine a flag with what its own module knows (choices from a registry, a checker, a
service's own address), never declare one.

The folders the build and the site read (data/, queries/, ontology/, shapes/, linksets/) are settings whose
defaults are the checkout's folders: an installed package (`pip install .`) is pointed at them with
`--data`, `--queries`, `--ontology`, `--shapes` or the matching variables.

A value comes from, in this order: the flag, the environment variable, the default. Secrets are not
settings: the credentials of a remote store (ALMEREKG_STORE_USER, ALMEREKG_STORE_PASSWORD, store/adapters.py)
and the KvK API key (KVK_API_KEY, link/kvk.py) are read from the environment only, where they are needed, and
never logged, printed or passed on a command line.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

# The placeholder base lives in the reserved .example TLD (RFC 6761) so that nobody mistakes it
# for a published domain; a deployment sets ALMEREKG_BASE to the domain it really serves.
DEFAULT_BASE = "https://almerekg.example"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024

# Who uses a setting: the commands whose flags include it.
BUILD, VALIDATE, SPARQL, QUERY, INFO, SERVE, LINK = "build", "validate", "sparql", "query", "info", "serve", "link"
ALL_COMMANDS = (BUILD, VALIDATE, SPARQL, QUERY, INFO, SERVE, LINK)
# `python -m almerekg.coverage` (the coverage ledger's report) reads the data folder too.
COVERAGE = "coverage"
RUNS_QUERIES = (SPARQL, QUERY, SERVE)
# The CSV flavours of a saved query's answer (saved_queries/tables.py writes them; `query --dialect`, ?dialect=).
CSV_DIALECTS = ("rfc4180", "excel-nl")


def _constant(value: Any) -> Callable[[], Any]:
    """A default_factory giving back the declared value itself."""
    return lambda: value


def _setting(default: Any, help: str, *, flag: str | None = None, env: str | None = None, unit: str = "",
             commands: tuple[str, ...] = (), metavar: str | None = None, choices: tuple[str, ...] = (),
             repeat: bool = False) -> Any:
    meta = {"help": help, "flag": flag, "env": env, "unit": unit, "commands": commands, "metavar": metavar,
            "choices": choices, "repeat": repeat}
    if isinstance(default, list | tuple | dict):
        return field(default_factory=_constant(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    # -- the graph and where it is kept ---------------------------------------------------------------
    store: str = _setting(
        str(PROJECT_ROOT / "var" / "store"), "store folder, or the base URL of a SPARQL server "
        "(http://..., virtuoso+http://..., fuseki+http://.../ds)", flag="--store", env="ALMEREKG_STORE",
        commands=ALL_COMMANDS, metavar="PATH|URL")
    base: str = _setting(DEFAULT_BASE, "base IRI of the graph: every IRI is {base}/id/..., {base}/def/...",
                         flag="--base", env="ALMEREKG_BASE", commands=(BUILD, VALIDATE, INFO), metavar="IRI")
    data: Path = _setting(PROJECT_ROOT / "data", "folder with the curated data files (the report's text among them)",
                          flag="--data", env="ALMEREKG_DATA", commands=(BUILD, VALIDATE, SERVE, LINK, COVERAGE),
                          metavar="DIR")
    ontology: Path = _setting(PROJECT_ROOT / "ontology", "folder of the ontology's Turtle files", flag="--ontology",
                              env="ALMEREKG_ONTOLOGY", commands=(BUILD, VALIDATE), metavar="DIR")
    shapes: Path = _setting(PROJECT_ROOT / "shapes", "folder of the SHACL shapes the build is validated against",
                            flag="--shapes", env="ALMEREKG_SHAPES", commands=(BUILD, VALIDATE), metavar="DIR")
    queries: Path = _setting(PROJECT_ROOT / "queries", "folder of the saved queries (NAME.rq)", flag="--queries",
                             env="ALMEREKG_QUERIES", commands=(QUERY, SERVE), metavar="DIR")
    linksets: Path = _setting(PROJECT_ROOT / "linksets", "folder of what `almerekg link` fetched",
                              flag="--linksets", env="ALMEREKG_LINKSETS", commands=(BUILD, LINK), metavar="DIR")
    shacl_engine: str = _setting(
        "pyshacl-turbo", "SHACL engine: pyshacl-turbo (Rust, the default) or pyshacl (the reference it is tested "
        "against)", flag="--shacl-engine", env="ALMEREKG_SHACL_ENGINE", commands=(BUILD, VALIDATE),
        choices=("pyshacl-turbo", "pyshacl"))
    # -- the web server --------------------------------------------------------------------------------
    host: str = _setting("127.0.0.1", "address to listen on (loopback by default; see README before exposing it)",
                         flag="--host", env="ALMEREKG_HOST", commands=(SERVE,))
    port: int = _setting(8080, "port to listen on", flag="--port", env="ALMEREKG_PORT", commands=(SERVE,))
    public_url: str = _setting(
        "", "the public URL of this site (e.g. https://data.example.nl): absolute links, redirects and the "
        "service description use it, never the request's Host header (default: http://HOST:PORT)",
        flag="--public-url", env="ALMEREKG_PUBLIC_URL", commands=(SERVE,), metavar="URL")
    processes: int = _setting(1, "web server processes sharing the port (the web tier keeps no state)",
                              flag="--processes", env="ALMEREKG_PROCESSES", commands=(SERVE,), metavar="N")
    threads: int = _setting(16, "request threads per web process (a request waiting for a query holds one)",
                            flag="--threads", env="ALMEREKG_THREADS", commands=(SERVE,), metavar="N")
    max_header_bytes: int = _setting(64 * 1024, "largest request head (request line and headers); larger gets 431",
                                     flag="--max-header-bytes", env="ALMEREKG_MAX_HEADER_BYTES", unit="bytes",
                                     commands=(SERVE,), metavar="N")
    header_timeout: float = _setting(10.0, "time a connection has, from when it opens and again after each answer, "
                                     "to send a complete request head; then it is closed",
                                     flag="--header-timeout", env="ALMEREKG_HEADER_TIMEOUT", unit="s",
                                     commands=(SERVE,), metavar="S")
    body_timeout: float = _setting(10.0, "time a request body has to arrive once its head has; then 408 and the "
                                   "connection is closed", flag="--body-timeout", env="ALMEREKG_BODY_TIMEOUT",
                                   unit="s", commands=(SERVE,), metavar="S")
    max_age: int = _setting(60, "seconds shared caches may reuse an answer before they revalidate it",
                            flag="--max-age", env="ALMEREKG_MAX_AGE", unit="s", commands=(SERVE,), metavar="S")
    # -- queries -----------------------------------------------------------------------------------------
    query_timeout: float = _setting(30.0, "longest a query may run; it is then stopped and answered 503",
                                    flag="--query-timeout", env="ALMEREKG_QUERY_TIMEOUT", unit="s",
                                    commands=RUNS_QUERIES, metavar="S")
    max_result_bytes: int = _setting(50 * MiB, "largest answer; a larger one is not sent",
                                     flag="--max-result-bytes", env="ALMEREKG_MAX_RESULT_BYTES", unit="bytes",
                                     commands=RUNS_QUERIES, metavar="N")
    max_request_bytes: int = _setting(MiB, "largest request body; larger gets 413",
                                      flag="--max-request-bytes", env="ALMEREKG_MAX_REQUEST_BYTES", unit="bytes",
                                      commands=(SERVE,), metavar="N")
    max_query_bytes: int = _setting(256 * 1024, "largest query text (the query processes' stacks are sized for it)",
                                    flag="--max-query-bytes", env="ALMEREKG_MAX_QUERY_BYTES", unit="bytes",
                                    commands=RUNS_QUERIES, metavar="N")
    query_workers: int = _setting(0, "query processes per web process (0: one per core, at least 2, at most 8)",
                                  flag="--query-workers", env="ALMEREKG_QUERY_WORKERS", commands=RUNS_QUERIES,
                                  metavar="N")
    worker_memory: int = _setting(2 * 1024 * MiB, "memory a query may take beyond its process's loaded build",
                                  flag="--worker-memory", env="ALMEREKG_WORKER_MEMORY", unit="bytes",
                                  commands=RUNS_QUERIES, metavar="BYTES")
    service_allow: tuple[str, ...] = _setting(
        (), "allow SERVICE calls to this host (repeatable; the environment takes a comma-separated list)",
        flag="--service-allow", env="ALMEREKG_SERVICE_ALLOWLIST", commands=RUNS_QUERIES, metavar="HOST[:PORT]",
        repeat=True)
    sandbox: str = _setting("auto", "seal query processes off the network with seccomp: auto (when the kernel "
                            "can), required (refuse to run without), off", flag="--sandbox", env="ALMEREKG_SANDBOX",
                            commands=RUNS_QUERIES, choices=("auto", "required", "off"))
    cache_bytes: int = _setting(64 * MiB, "memory for answers kept per build (keys and bodies counted)",
                                flag="--cache-bytes", env="ALMEREKG_CACHE_BYTES", unit="bytes", commands=(SERVE,),
                                metavar="N")
    large_answers: int = _setting(32, "answers above 64 KiB that one web process hands over at once (each holds a "
                                  "thread while its client reads); more get 503", flag="--large-answers",
                                  env="ALMEREKG_LARGE_ANSWERS", commands=(SERVE,), metavar="N")
    send_bytes: int = _setting(128 * MiB, "answers that one web process is sending at once, counted by their size; "
                               "beyond it a client gets 503 (clients that do not read cannot pile answers up)",
                               flag="--send-bytes", env="ALMEREKG_SEND_BYTES", unit="bytes", commands=(SERVE,),
                               metavar="N")
    editor_rows: int = _setting(1000, "rows of an answer the query editor shows (the rest is not computed)",
                                flag="--editor-rows", env="ALMEREKG_EDITOR_ROWS", commands=(SERVE,), metavar="N")
    quarantine_seconds: float = _setting(300.0, "how long a query text that crashed, exhausted or outran a query "
                                         "process is refused", flag="--quarantine", env="ALMEREKG_QUARANTINE",
                                         unit="s", commands=(SERVE,), metavar="S")
    client_deaths: int = _setting(5, "query processes one client's queries may end (crashed, out of memory, past the "
                                  "timeout) within --client-deaths-window; then its queries get 429 with Retry-After "
                                  "(0: no limit)", flag="--client-deaths", env="ALMEREKG_CLIENT_DEATHS",
                                  commands=(SERVE,), metavar="N")
    client_deaths_window: float = _setting(60.0, "the window --client-deaths counts in", flag="--client-deaths-window",
                                           env="ALMEREKG_CLIENT_DEATHS_WINDOW", unit="s", commands=(SERVE,),
                                           metavar="S")
    client_processes: int = _setting(0, "query processes one client's queries may hold at once; its further queries "
                                     "wait for its own (0: all but one, at least 1)", flag="--client-processes",
                                     env="ALMEREKG_CLIENT_PROCESSES", commands=(SERVE,), metavar="N")
    trusted_proxies: tuple[str, ...] = _setting(
        (), "a reverse proxy's address or network (repeatable; the environment takes a comma-separated list): for "
        "requests from it, the client is the last address in X-Forwarded-For that is not a trusted proxy",
        flag="--trusted-proxy", env="ALMEREKG_TRUSTED_PROXIES", commands=(SERVE,), metavar="ADDRESS[/BITS]",
        repeat=True)
    # -- asking CBS and KvK (`almerekg link`) -----------------------------------------------------------------
    link_timeout: float = _setting(30.0, "seconds per request to CBS or KvK", flag="--timeout",
                                   env="ALMEREKG_LINK_TIMEOUT", unit="s", commands=(LINK,), metavar="S")
    link_retries: int = _setting(4, "retries on 429/5xx and network errors", flag="--retries",
                                 env="ALMEREKG_LINK_RETRIES", commands=(LINK,), metavar="N")
    link_backoff: float = _setting(1.0, "first back-off before a retry, doubled per retry", flag="--backoff",
                                   env="ALMEREKG_LINK_BACKOFF", unit="s", commands=(LINK,), metavar="S")
    link_cache: Path | None = _setting(None, "where answers of CBS and KvK are kept (default: var/cache/<service> of "
                                       "the checkout)", flag="--cache-dir", env="ALMEREKG_LINK_CACHE",
                                       commands=(LINK,), metavar="DIR")
    # -- the dataset description (DCAT-AP-NL): who publishes is a deployment's decision -----------------------
    publisher_name: str = _setting("almerekg (gelinkte-data-editie van het rapport)",
                                   "the publisher named in /dataset (dcterms:publisher, foaf:name)",
                                   flag="--publisher-name", env="ALMEREKG_PUBLISHER_NAME", commands=(SERVE,),
                                   metavar="NAME")
    publisher_iri: str = _setting("", "the publisher's IRI in /dataset (default: a hash IRI under /dataset)",
                                  flag="--publisher-iri", env="ALMEREKG_PUBLISHER_IRI", commands=(SERVE,),
                                  metavar="IRI")
    contact_email: str = _setting("", "the contact point's e-mail address in /dataset (dcat:contactPoint)",
                                  flag="--contact-email", env="ALMEREKG_CONTACT_EMAIL", commands=(SERVE,),
                                  metavar="ADDRESS")
    contact_phone: str = _setting("", "the contact point's phone number in /dataset (vcard:hasTelephone)",
                                  flag="--contact-phone", env="ALMEREKG_CONTACT_PHONE", commands=(SERVE,),
                                  metavar="NUMBER")
    contact_url: str = _setting("", "the contact point's web form in /dataset (vcard:hasURL)",
                                flag="--contact-url", env="ALMEREKG_CONTACT_URL", commands=(SERVE,), metavar="URL")
    license: str = _setting("", "the dataset's licence IRI in /dataset (default: the ontology's, else CC0 1.0)",
                            flag="--license", env="ALMEREKG_LICENSE", commands=(SERVE,), metavar="IRI")
    # -- not settings a user gives: where the checkout keeps things ------------------------------------------
    project_root: Path = field(default=PROJECT_ROOT, metadata={"internal": True})

    # -- derived ---------------------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.data

    @property
    def linksets_dir(self) -> Path:
        return self.linksets

    @property
    def ontology_dir(self) -> Path:
        return self.ontology

    @property
    def shapes_dir(self) -> Path:
        return self.shapes

    @property
    def queries_dir(self) -> Path:
        return self.queries

    def link_cache_dir(self, service: str) -> Path:
        """Where the answers of one service (cbs, kvk) are kept."""
        return self.link_cache if self.link_cache is not None else self.project_root / "var" / "cache" / service

    @property
    def store_is_remote(self) -> bool:
        # http(s)://... or kind+http(s)://... (virtuoso+http://host:8890 picks the Virtuoso adapter)
        scheme = self.store.split("://", 1)[0] if "://" in self.store else ""
        return scheme.split("+")[-1] in ("http", "https")

    @property
    def site_url(self) -> str:
        """Where this site is reached: the public URL, or the address it listens on."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def endpoint_iri(self) -> str:
        """The SPARQL endpoint's own IRI: relative IRIs in queries resolve against it."""
        return self.site_url + "/sparql"

    @property
    def pool_size(self) -> int:
        return self.query_workers or max(2, min(8, os.cpu_count() or 2))

    def with_(self, **changes: Any) -> Settings:
        """A copy with the given values (None leaves a value as it is)."""
        return replace(self, **{k: _normalise(k, v) for k, v in changes.items() if v is not None})


@dataclass(frozen=True)
class Option:
    """A flag of one run of one command (what to do now, not how the installation is set up: no variable)."""

    dest: str
    flags: tuple[str, ...]  # () for a positional argument (its dest is its name)
    help: str
    default: Any = None
    kind: Callable[[str], Any] | None = None
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    nargs: str | None = None
    action: str | None = None  # "append" (repeatable) or "store_true" (a switch)

    def add_to(self, parser: argparse.ArgumentParser, refined: Mapping[str, Any]) -> None:
        kwargs: dict[str, Any] = {"help": self.help, "default": self.default}
        for key, value in (("type", self.kind), ("choices", self.choices), ("metavar", self.metavar),
                           ("nargs", self.nargs), ("action", self.action)):
            if value:
                kwargs[key] = value
        kwargs.update(refined)
        if kwargs["default"] not in (None, False, []) and "default" not in self.help:
            kwargs["help"] += f" (default: {kwargs['default']})"
        if self.action == "append" and kwargs["default"] is None:
            kwargs["default"] = []
        if self.flags:
            parser.add_argument(*self.flags, dest=self.dest, **kwargs)
        else:
            parser.add_argument(self.dest, **kwargs)


# The network switch every `link` command has; the other link flags are settings (timeout, retries, ...).
_REFRESH = Option("refresh", ("--refresh",), "ask the service again even when an answer is cached",
                  default=False, action="store_true")
OPTIONS: dict[str, tuple[Option, ...]] = {
    SPARQL: (
        Option("query", (), "the query text (or --file)", nargs="?"),
        Option("file", ("--file", "-f"), "read the query from this file"),
        # choices: `table` and the results formats of the one registry (cli.py adds them)
        Option("format", ("--format",), "how SELECT/ASK answers are printed (graphs are always Turtle)",
               default="table"),
    ),
    QUERY: (
        Option("name", (), "the saved query; without it (or with --list) list them all", nargs="?"),
        Option("param", ("--param", "-p"), "a parameter (repeatable)", metavar="NAME=VALUE", action="append"),
        Option("format", ("--format",), "how the answer is printed", default="table",
               choices=("table", "csv", "json")),
        Option("dialect", ("--dialect",), "CSV flavour", default=CSV_DIALECTS[0], choices=CSV_DIALECTS),
        Option("lang", ("--lang",), "language of titles and labels", default="nl", choices=("nl", "en")),
        Option("list", ("--list",), "list the saved queries", default=False, action="store_true"),
    ),
    "link cbs": (
        Option("table", ("--table",), "CBS StatLine table id (without it: the documented tables, described by CBS)"),
        Option("municipality", ("--municipality",), "CBS municipality code, e.g. the code of Almere in "
               "data/registers/ (with --export also a province code PVnn or NL for the country)"),
        Option("years", ("--years",), "years to fetch (whole-year figures)", kind=int, nargs="+"),
        Option("measure", ("--measure",), "which measure of the table counts establishments or jobs (see "
               "--describe)", metavar="KEY=establishments|jobs", action="append"),
        Option("fix", ("--fix",), "pin any further dimension", metavar="DIM=KEY", action="append"),
        # choices: the OData flavours link/cbs.py knows (link/cli.py adds them)
        Option("api", ("--api",), "CBS OData flavour", default="v3"),
        Option("base_url", ("--base-url",), "service root (default: CBS's root of the --api flavour)"),
        # default: CBS's catalogue address, kept in link/cbs.py (link/cli.py adds it)
        Option("catalog_url", ("--catalog-url",), "CBS table catalogue for --find"),
        Option("find", ("--find",), "list catalogue tables whose title has all WORDs", metavar="WORD", nargs="+"),
        Option("describe", ("--describe",), "show the table's dimensions and measures", default=False,
               action="store_true"),
        Option("out", ("--out",), "folder for the linkset (default: cbs/ in the linksets folder)"),
        Option("export", ("--export",), "read a StatLine CSV export instead of the API (no network)",
               metavar="FILE"),
        # help names the tables whose unit link/statline_export.py knows (link/cli.py adds them)
        Option("unit", ("--unit",), "with --export: the measure's unit as StatLine states it (aantal, x 1 000)"),
        _REFRESH,
    ),
    COVERAGE: (
        Option("check", ("--check",), "list the ledger's problems; exit 1 if any", default=False,
               action="store_true"),
        Option("draw", ("--draw",), "print the sample of a blind audit that this random seed draws", kind=int,
               metavar="SEED"),
        Option("audit", ("--audit",), "check a recorded audit (data/audits/DATE-seed-SEED.csv) against its seed's "
               "sample and print its counts; exit 1 on problems", metavar="FILE"),
    ),
    "link kvk": (
        Option("apply", ("--apply",), "turn the accepted rows of a reviewed candidates file into links",
               metavar="FILE"),
        Option("out", ("--out",), "candidates file to write", default="kvk-candidates.csv"),
        # default: KvK's API root, kept in link/kvk.py (link/cli.py adds it)
        Option("base_url", ("--base-url",), "KvK API root"),
        # checker: KvK's resultatenPerPagina range, kept in link/kvk.py (link/cli.py adds it)
        Option("per_firm", ("--per-firm",), "candidates asked per firm, 1-100", default=10),
        Option("firm", ("--firm",), "only this firm id (repeatable)", action="append"),
        Option("include_organisations", ("--include-organisations",), "also the firms of data/organisations.csv "
               "(parents, partners; no place known)", default=False, action="store_true"),
        _REFRESH,
    ),
}


def declared() -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(name, metadata, default) of every user-facing setting, in declaration order."""
    for f in fields(Settings):
        if f.metadata.get("internal"):
            continue
        if f.default is not MISSING:
            default = f.default
        elif callable(f.default_factory):
            default = f.default_factory()
        else:
            raise TypeError(f"setting {f.name} declares no default")
        yield f.name, dict(f.metadata), default


def _parser_for(name: str) -> Callable[[str], Any]:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind in ("int", int):
        return _integer
    if kind in ("float", float):
        return float
    if "Path" in str(kind):
        return lambda raw: Path(raw).resolve()
    return str


def _integer(raw: str) -> int:
    value = float(raw)
    if value != int(value):
        raise ValueError(f"{raw!r} is not a whole number")
    return int(value)


PATHS = ("data", "ontology", "shapes", "queries", "linksets", "link_cache", "project_root")


def _normalise(name: str, value: Any) -> Any:
    if name == "base" and isinstance(value, str):
        return value.rstrip("/")
    if name in PATHS and value is not None:
        return Path(value).resolve()
    if name in ("service_allow", "trusted_proxies") and isinstance(value, str):
        return tuple(h.strip() for h in value.split(",") if h.strip())
    return value


def add_arguments(parser: argparse.ArgumentParser, command: str,
                  refine: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    """The flags of one command: its settings (values default to None: unset means 'from elsewhere'), then the
    options of one run. `refine` maps a flag's dest to what the command's own module adds (choices, a checker)."""
    refine = refine or {}
    for name, meta, default in declared():
        if command.split()[0] not in meta["commands"] or not meta["flag"]:
            continue
        help_text = meta["help"]
        shown = _shown_default(name, default, meta)
        if shown:
            help_text += f" (default: {shown}"
            help_text += f"; ${meta['env']})" if meta["env"] else ")"
        elif meta["env"]:
            help_text += f" (${meta['env']})"
        kwargs: dict[str, Any] = {"dest": name, "default": None, "help": help_text}
        if meta["metavar"]:
            kwargs["metavar"] = meta["metavar"]
        if meta["choices"]:
            kwargs["choices"] = meta["choices"]
        if meta["repeat"]:
            kwargs["action"] = "append"
        else:
            kwargs["type"] = _parser_for(name)
        parser.add_argument(meta["flag"], **kwargs)
    for option in OPTIONS.get(command, ()):
        option.add_to(parser, refine.get(option.dest, {}))


def _shown_default(name: str, default: Any, meta: dict[str, Any]) -> str:
    if isinstance(default, Path):
        return f"{default.relative_to(PROJECT_ROOT).as_posix()}/ of the checkout"
    if default in (None, "", (), 0) or name == "store":
        return "var/store of the checkout" if name == "store" else ""
    if meta["unit"] == "bytes" and isinstance(default, int) and default >= 1024 * MiB and default % (1024 * MiB) == 0:
        return f"{default // (1024 * MiB)} GiB"
    if meta["unit"] == "bytes" and isinstance(default, int) and default >= MiB and default % MiB == 0:
        return f"{default // MiB} MiB"
    if meta["unit"] == "bytes" and isinstance(default, int) and default % 1024 == 0:
        return f"{default // 1024} KiB"
    return f"{default:g} {meta['unit']}".strip() if isinstance(default, float) else f"{default} {meta['unit']}".strip()


def load(args: argparse.Namespace | Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from flags (an argparse namespace or a mapping), then the environment, then defaults."""
    given = vars(args) if isinstance(args, argparse.Namespace) else dict(args or {})
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, meta, _default in declared():
        value = given.get(name)
        if value is None and meta["env"] and env.get(meta["env"], "") != "":
            raw = env[meta["env"]]
            try:
                value = raw if meta["repeat"] else _parser_for(name)(raw)
            except ValueError as exc:
                raise SystemExit(f"environment variable {meta['env']}={raw!r}: {exc}") from None
            if meta["choices"] and value not in meta["choices"]:
                raise SystemExit(f"environment variable {meta['env']}={raw!r}: choose one of "
                                 f"{', '.join(meta['choices'])}")
        if meta["repeat"] and isinstance(value, list):
            value = tuple(v for item in value for v in str(item).split(",") if v.strip())
        if value is not None:
            values[name] = _normalise(name, value)
    for key in ("project_root",):
        if given.get(key) is not None:
            values[key] = _normalise(key, given[key])
    return Settings(**values)


def to_environment(settings: Settings) -> dict[str, str]:
    """The settings as ALMEREKG_* variables: what a web server process reads to build the same Settings."""
    env: dict[str, str] = {}
    for name, meta, _default in declared():
        value = getattr(settings, name)
        if not meta["env"] or value is None:
            continue
        env[meta["env"]] = ",".join(value) if isinstance(value, tuple) else str(value)
    return env


def from_values(**values: Any) -> Settings:
    """Settings from keyword values (as the flags would give them), then the environment, then defaults."""
    return load(values)


def markdown_table() -> str:
    """The settings as README's table (tests/test_settings.py checks that README holds exactly this)."""
    lines = ["| setting | flag | environment | default | commands | what |", "|---|---|---|---|---|---|"]
    for name, meta, default in declared():
        flag = f"`{meta['flag']}`" if meta["flag"] else "—"
        env = f"`{meta['env']}`" if meta["env"] else "—"
        shown = _shown_default(name, default, meta) or "—"
        if meta["choices"]:
            shown += f" ({' / '.join(meta['choices'])})"
        commands = ", ".join(meta["commands"]) if meta["commands"] != ALL_COMMANDS else "all"
        lines.append(f"| {name} | {flag} | {env} | {shown} | {commands} | {meta['help']} |")
    return "\n".join(lines)


def missing_for_harvest(settings: Settings) -> list[str]:
    """What a public deployment has not said that data.overheid.nl asks of a catalogue record.

    The profiles' shapes pass without these (the publisher and contact point then name this site), but the portal
    asks for the publisher from an organisation list, an e-mail address and a phone number. Only a deployment can
    give them; `almerekg serve --public-url …` says loudly which are missing."""
    if not settings.public_url:
        return []
    wanted = (("publisher_iri", "--publisher-iri (the publisher's IRI in an organisation list)"),
              ("contact_email", "--contact-email"), ("contact_phone", "--contact-phone"))
    return [flag for name, flag in wanted if not getattr(settings, name)]
