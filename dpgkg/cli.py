"""The ``dpgkg`` command line. Exit codes: 0 ok, 1 findings, 2 bad input."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

import click
import pyoxigraph as ox
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dpgkg import __version__
from dpgkg.config import ConfigError, Settings
from dpgkg.problems import Severity
from dpgkg.query import QueryError, named_queries, resolve_query, run_query, typed_params
from dpgkg.store import OxigraphStore, StoreError

if TYPE_CHECKING:
    from dpgkg.build import BuildReport
    from dpgkg.namespaces import IRIs
    from dpgkg.validation.graphs import GraphReport
    from dpgkg.validation.report import ValidationReport
    from dpgkg.validation.shapes import ShapesGraph

T = TypeVar("T")
EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
err = Console(stderr=True)


class BadInput(click.ClickException):
    """Unusable input: printed as one line, exit code 2."""

    exit_code = EXIT_BAD_INPUT


def settings_of(ctx: click.Context, **overrides: object) -> Settings:
    """The invocation's settings with the command's flags applied (from the environment when
    a command runs outside the `dpgkg` group, as tests invoke them)."""
    base = ctx.find_object(Settings) or Settings.from_env()
    return base.with_overrides(**overrides)


store_option = click.option("--store", type=click.Path(path_type=Path), default=None,
                             help="Store directory [env DPGKG_STORE; default ./dpgkg-store].")


class LazyGroup(click.Group):
    """A group whose catalogue commands are imported only when used, so `dpgkg serve`
    (a long-running process) does not carry the harvesters' and linkers' modules."""

    LAZY: ClassVar[dict[str, str]] = {
        "harvest": "dpgkg.catalogues.harvest_cli:harvest_cmd",
        "links": "dpgkg.catalogues.links_cli:links_cmd",
        "link": "dpgkg.catalogues.link_group:link_group",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY:
            module, _, attr = self.LAZY[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dpgkg")
@click.pass_context
def main(ctx: click.Context) -> None:
    """dpgkg: the linked-data knowledge graph of the Digital Public Goods registry."""
    try:
        ctx.obj = Settings.from_env()
    except ConfigError as exc:
        raise BadInput(str(exc)) from exc


def _progress(quiet: bool):
    """A progress wrapper for build(): a rich bar on a terminal, nothing when quiet."""

    def wrap(items: Iterable[T], label: str, total: int | None) -> Iterable[T]:
        if quiet or not err.is_terminal:
            yield from items
            return
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task(label, total=total)
            for item in items:
                yield item
                bar.advance(task)

    return wrap


@main.command("build")
@click.option("--registry", help="Registry folder, or URL of a registry archive "
              "[env DPGKG_REGISTRY].")
@click.option("--registry-sha256", help="Expected SHA-256 of a registry archive URL; "
              "anything else is refused.")
@click.option("--sdg", help="Folder or file with the UN SDG vocabulary [env DPGKG_SDG]; "
              "without it dpgkg's own 17-goal/169-target vocabulary is used.")
@store_option
@click.option("--base-iri", help="Base IRI for minted IRIs [env DPGKG_BASE_IRI].")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              help="Also write the build report as JSON to this file.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Validate the records against the DPG Standard shapes and store the "
              "report in the validation graph.")
@click.option("--reason", is_flag=True, help="Also materialise OWL-RL inferences (owlrl) over "
              "the registry and the ontology into the inferred graph (slow: ~30 s for the "
              "real registry).")
@click.option("--optimize", is_flag=True, help="Merge the store's files before the swap: "
              "slower builds, faster queries on large stores (see README, Benchmarks).")
@click.option("-v", "--verbose", is_flag=True, help="Also list informational findings.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars; only errors and summary.")
@click.pass_context
def build_cmd(ctx: click.Context, registry: str | None, registry_sha256: str | None,
              sdg: str | None, store: Path | None,
              base_iri: str | None, report_path: Path | None, validate: bool, reason: bool,
              optimize: bool, verbose: bool, quiet: bool) -> None:
    """Build the graph: registry records, SDG vocabulary and ontology into the store.

    Each bad file gets one line (file, JSON pointer, reason); the rest is built.
    Exits 1 when any file had errors, 2 when the input cannot be used at all.
    """
    # Imported here: `dpgkg serve` and `dpgkg query` need none of the build's modules
    # (rdflib, jsonschema, requests: ~25 MB of a long-running server's memory).
    from dpgkg.build import build
    from dpgkg.registry.source import RegistrySourceError
    from dpgkg.sdg import SdgSourceError

    settings = settings_of(ctx, registry=registry, sdg=sdg, store=store, base_iri=base_iri)
    try:
        report = build(settings, progress=_progress(quiet), registry_sha256=registry_sha256,
                       validate=validate, reason=reason, optimize=optimize)
    except (RegistrySourceError, SdgSourceError, FileNotFoundError, ValueError,
            StoreError) as exc:
        raise BadInput(str(exc)) from exc
    _print_problems(report, verbose, quiet)
    if report_path:
        report_path.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    _print_summary(report)
    ctx.exit(EXIT_FINDINGS if report.problems.errors else EXIT_OK)


def _print_problems(report: BuildReport, verbose: bool, quiet: bool) -> None:
    shown = {Severity.ERROR} | (set() if quiet else {Severity.WARNING})
    if verbose:
        shown.add(Severity.INFO)
    for p in report.problems:
        if p.severity in shown:
            click.echo(p.line(), err=True)


def _print_summary(report: BuildReport) -> None:
    errors, warnings = len(report.problems.errors), len(report.problems.warnings)
    infos = len(report.problems.of(Severity.INFO))
    click.echo(f"built {report.records} records ({report.nominees} nominee, "
               f"{report.screenings} screening files) from {report.files_read} files: "
               f"{report.quads} quads into {report.store} in {report.seconds:.2f} s; "
               f"{errors} errors, {warnings} warnings, {infos} notes", err=True)
    if report.conforming is not None:
        click.echo(f"validation: {report.conforming} of {report.records} records conform to "
                   "the DPG Standard shapes (see the validation graph, or dpgkg validate)",
                   err=True)


@main.command("query")
@click.argument("query", required=False)
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "xml", "csv", "tsv", "turtle", "ntriples",
                                 "jsonld"]),
              help="Result format (turtle/ntriples/jsonld for CONSTRUCT and DESCRIBE).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of a named query (see --list).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@store_option
@click.pass_context
def query_cmd(ctx: click.Context, query: str | None, fmt: str, params: tuple[str, ...],
              list_queries: bool, store: Path | None) -> None:
    """Run QUERY: SPARQL text, a .rq file, or the name of a query in queries/."""
    if list_queries:
        for nq in named_queries().values():
            extra = f"  params: {', '.join(nq.params)}" if nq.params else ""
            click.echo(f"{nq.name:32} {nq.title}{extra}")
        return
    if not query:
        raise BadInput("give a query (SPARQL text, a .rq file or a name; see --list)")
    settings = settings_of(ctx, store=store)
    try:
        values = dict(_split_param(p) for p in params)
        text, named = resolve_query(query)
        result = run_query(OxigraphStore(settings.store), text, fmt, typed_params(named, values))
    except (QueryError, StoreError) as exc:
        raise BadInput(str(exc)) from exc
    if isinstance(result, list):
        _print_table(result)
    else:
        sys.stdout.buffer.write(result)
        if not result.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")


def _split_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise QueryError(f"--param {text!r}: expected NAME=VALUE")
    return name, value


def _print_table(rows: list[list[str]]) -> None:
    table = Table(*rows[0], show_lines=False)
    for row in rows[1:]:
        table.add_row(*row)
    Console(width=200).print(table)
    click.echo(f"{len(rows) - 1} rows", err=True)


EXPORT_FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD,
}


@main.command("export")
@click.option("--format", "fmt", required=True,
              type=click.Choice([*EXPORT_FORMATS, "registry-json"]), help="Output format.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Output file (a folder for registry-json); default standard output.")
@click.option("--graph", help="Only this named graph (a name such as 'registry', or an IRI).")
@store_option
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, out: Path | None, graph: str | None,
               store: Path | None) -> None:
    """Export the graph as RDF, or rebuild the registry's JSON files from it."""
    from dpgkg.exporting import export_rdf, export_registry_json

    settings = settings_of(ctx, store=store)
    try:
        if fmt == "registry-json":
            if out is None:
                raise BadInput("registry-json needs --out DIR")
            counts = export_registry_json(settings, out)
            click.echo(f"wrote {counts['nominees']} nominee and {counts['screenings']} "
                       f"screening files to {out}", err=True)
        else:
            export_rdf(settings, EXPORT_FORMATS[fmt], out, graph)
    except (StoreError, ValueError) as exc:
        raise BadInput(str(exc)) from exc


@main.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "use_store", is_flag=False, flag_value="", default=None,
              type=str,  # not click.Path: it would turn the bare flag's "" into "."
              help="Validate the built graph in this store (default ./dpgkg-store or "
              "DPGKG_STORE) instead of files.")
@click.option("--shapes", default=None, help="Shape set name (dpg-standard; dcat-ap: DCAT-AP "
              "3.0.1 from the shared data folder, validating a whole catalogue graph) or a "
              ".ttl file or folder of shapes.")
@click.option("--graph", "graphs", multiple=True, metavar="NAME|IRI",
              help="With --store: validate this named graph as a whole (e.g. catalogue/NAME; "
              "repeatable) instead of DPG records. With --shapes dcat-ap and no --graph, "
              "every catalogue graph is validated.")
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json", "turtle"]))
@click.option("--engine", default="shacl", show_default=True,
              type=click.Choice(["shacl", "pyshacl"]),
              help="SHACL engine; pyshacl is the slower reference implementation.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: cores).")
@click.pass_context
def validate_cmd(ctx: click.Context, paths: tuple[Path, ...], use_store: str | None,
                 shapes: str | None, graphs: tuple[str, ...], fmt: str, engine: str,
                 workers: int | None) -> None:
    """Validate DPG records against the DPG Standard's indicators 1-9.

    PATHS are registry JSON files or folders (nominee and screening halves are joined as
    in build) or RDF files; or give --store for the whole built graph. Exit 0 when every
    record conforms, 1 when any has a Violation, 2 when the input cannot be used.

    With --shapes dcat-ap (or --graph) the data is validated as one graph, e.g. a harvested
    catalogue: RDF files, or named graphs of the store; results are filed under the
    dataset or catalogue they concern.
    """
    from dpgkg.namespaces import IRIs
    from dpgkg.validation.inputs import InputError
    from dpgkg.validation.run import validate_paths, validate_store
    from dpgkg.validation.shapes import ShapesError, ShapesGraph

    settings = settings_of(ctx, store=Path(use_store) if use_store else None)
    if not paths and use_store is None:
        raise BadInput("give registry JSON or RDF files/folders, or --store")
    if graphs and paths:
        raise BadInput("--graph names graphs of the store: give --store, not files")
    iris = IRIs(settings.base_iri)
    report: ValidationReport | GraphReport
    try:
        shape_graph = ShapesGraph.load(shapes)
        if shape_graph.whole_graph or graphs:
            report = _validate_whole(settings, iris, list(paths), graphs, shape_graph, engine,
                                     shapes or "")
        elif paths:
            report = validate_paths(list(paths), shape_graph, iris, engine, workers)
        else:
            report = validate_store(OxigraphStore(settings.store), shape_graph, iris, engine,
                                    workers)
    except (InputError, ShapesError, StoreError) as exc:
        raise BadInput(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    elif fmt == "turtle":
        triples = report.quads(None, "urn:dpgkg:validation:report")
        sys.stdout.buffer.write(_as_turtle(triples.data()))
    else:
        click.echo(report.text(), nl=False)
    ctx.exit(EXIT_OK if report.conforms else EXIT_FINDINGS)


def _validate_whole(settings: Settings, iris: IRIs, paths: list[Path],
                    graphs: tuple[str, ...], shape_graph: ShapesGraph, engine: str, name: str
                    ) -> GraphReport:
    """Whole-graph validation (DCAT-AP): RDF files, or named graphs of the store."""
    from dpgkg.validation.graphs import validate_graph_paths, validate_store_graphs

    if paths:
        return validate_graph_paths(paths, shape_graph, engine, name)
    # A name such as catalogue/NAME, or a full IRI; none: every catalogue graph.
    names = [g if "://" in g else iris.graph(g) for g in graphs] if graphs else None
    return validate_store_graphs(OxigraphStore(settings.store), names, shape_graph, engine,
                                 name, iris)


def _as_turtle(ntriples: bytes) -> bytes:
    """N-Triples as Turtle with dpgkg's prefixes."""
    from dpgkg.namespaces import PREFIXES

    triples = ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""


@main.command("stats")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]),
              show_default=True)
@store_option
@click.pass_context
def stats_cmd(ctx: click.Context, fmt: str, store: Path | None) -> None:
    """Graphs, triple counts and record counts of the built store."""
    from dpgkg.stats import collect_stats

    settings = settings_of(ctx, store=store)
    try:
        stats = collect_stats(OxigraphStore(settings.store))
    except StoreError as exc:
        raise BadInput(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(stats, indent=2))
        return
    for key, value in stats.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for k, v in value.items():
                click.echo(f"  {k}: {v}")
        else:
            click.echo(f"{key}: {value}")


@main.command("serve")
@store_option
@click.option("--host", help="Address to listen on [env DPGKG_HOST; default 127.0.0.1].")
@click.option("--port", type=int, help="Port [env DPGKG_PORT; default 8000].")
@click.option("--workers", type=click.IntRange(1, 64), help="Query worker processes "
              "[env DPGKG_WORKERS; default 2].")
@click.option("--query-timeout", type=click.FloatRange(0.1, 3600), metavar="SECONDS",
              help="Stop a query after this long, answering 503 [env DPGKG_QUERY_TIMEOUT; "
              "default 10].")
@click.option("--threads", type=click.IntRange(1, 256), default=16, show_default=True,
              help="HTTP threads (they mostly wait on the query workers).")
@click.pass_context
def serve_cmd(ctx: click.Context, store: Path | None, host: str | None, port: int | None,
              workers: int | None, query_timeout: float | None, threads: int) -> None:
    """Serve the store: SPARQL 1.1 endpoint, Graph Store, named-query API and query UI."""
    from server.serve import serve

    settings = settings_of(ctx, store=store)
    if not OxigraphStore(settings.store).exists():
        raise BadInput(f"no store at {settings.store}: run 'dpgkg build' first")
    server_settings = settings.server.with_overrides(host=host, port=port, workers=workers,
                                                     query_timeout=query_timeout)
    serve(settings.with_overrides(server=server_settings), threads=threads)


if __name__ == "__main__":  # pragma: no cover
    main()
