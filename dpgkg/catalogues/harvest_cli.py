"""``dpgkg harvest SOURCE``: the command (wired into dpgkg/cli.py's group).

Exit codes as everywhere in dpgkg: 0 ok, 1 some pages or files had problems (the rest was
harvested), 2 nothing usable (no such source, unknown kind, no page could be read).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from dpgkg.catalogues.harvest import KIND_MODULES, HarvestError, HarvestReport, harvest
from dpgkg.cli import EXIT_FINDINGS, EXIT_OK, BadInput, err, settings_of
from dpgkg.store import StoreError


@contextmanager
def _progress(quiet: bool) -> Iterator[object]:
    """A (pages, datasets) callback: a rich line on a terminal, nothing when quiet."""
    if quiet or not err.is_terminal:
        yield None
        return
    # The total is unknown until the last page (paging links are followed one by one), so
    # the bar is a spinner with counts, like dpgkg build's bars otherwise.
    with Progress(SpinnerColumn(), TextColumn("{task.description}"),
                  TextColumn("{task.fields[pages]} pages, {task.fields[datasets]} datasets"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("harvesting", total=None, pages=0, datasets=0)

        def update(pages: int, datasets: int) -> None:
            bar.update(task, pages=pages, datasets=datasets)

        yield update


@click.command("harvest")
@click.argument("source")
@click.option("--kind", type=click.Choice(["auto", *KIND_MODULES]), default="auto",
              show_default=True, help="What SOURCE serves; auto: decided from the first "
              "response (each file of a folder on its own).")
@click.option("--name", help="Graph name: the catalogue goes into <base>graph/catalogue/NAME "
              "[default: a slug of SOURCE's host and path].")
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="Store directory [env DPGKG_STORE; default ./dpgkg-store].")
@click.option("--page-size", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="Rows per page where the source lets dpgkg choose (CKAN).")
@click.option("--resume/--restart", default=True, show_default=True,
              help="Reuse the pages an interrupted harvest of the same SOURCE and NAME "
              "cached, or start again from page 1.")
@click.option("-q", "--quiet", is_flag=True, help="No progress; only problems and summary.")
@click.pass_context
def harvest_cmd(ctx: click.Context, source: str, kind: str, name: str | None,
                store: Path | None, page_size: int, resume: bool, quiet: bool) -> None:
    """Harvest the catalogue at SOURCE (a URL, a file or a folder) into its own graph.

    DCAT / DCAT-AP as RDF/XML, Turtle or JSON-LD (Hydra paging followed), and the CKAN,
    data.json and schema.org kinds when installed. A re-harvest replaces the graph
    atomically. Each unusable page or file gets one line (URL, pointer, reason).
    """
    settings = settings_of(ctx, store=store)
    try:
        with _progress(quiet) as progress:
            report = harvest(source, settings, kind=kind, name=name, page_size=page_size,
                             resume=resume, progress=progress)  # type: ignore[arg-type]
    except (HarvestError, StoreError, OSError) as exc:
        raise BadInput(str(exc)) from exc
    _print(report, quiet)
    ctx.exit(EXIT_FINDINGS if report.errors else EXIT_OK)


def _print(report: HarvestReport, quiet: bool) -> None:
    for p in report.problems:
        if p.severity == "error" or not quiet:
            where = p.pointer or "(page)"
            click.echo(f"{p.severity}: {p.url}: {where}: {p.reason}", err=True)
    state = "complete" if report.complete else "INCOMPLETE (run again to resume)"
    resumed = f", {report.resumed} from the cache" if report.resumed else ""
    click.echo(f"harvested {report.datasets} datasets, {report.distributions} distributions, "
               f"{report.services} data services from {report.pages} pages{resumed} "
               f"({report.kind}) into {report.graph} in {report.seconds:.2f} s: {state}; "
               f"{len(report.errors)} errors, "
               f"{len(report.problems) - len(report.errors)} warnings", err=True)
