"""``dpgkg link wikidata``: align DPGs and organisations with Wikidata (see wikidata.py).

Registered on the ``link`` group by ``dpgkg/catalogues/link_group.py``. Heavy imports
(SPARQLWrapper, the store) wait until the command runs, so ``dpgkg --help`` stays quick
(wikidata_endpoint imports SPARQLWrapper only when it sends a request).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from dpgkg.catalogues.wikidata_endpoint import DEFAULT_ENDPOINT
from dpgkg.cli import BadInput, settings_of


@click.command("wikidata")
@click.option("--endpoint", default=DEFAULT_ENDPOINT, show_default=True, metavar="URL",
              help="SPARQL endpoint with Wikidata's data model (wdt:P1324, wdt:P856, wdt:P31).")
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="Store directory [env DPGKG_STORE; default ./dpgkg-store].")
@click.option("--batch-size", type=click.IntRange(1, 500), default=25, show_default=True,
              help="Records/organisations (and then candidate items) per query.")
@click.option("--timeout", type=click.FloatRange(1, 600), default=60, show_default=True,
              metavar="SECONDS", help="Timeout of one request.")
@click.option("--retries", type=click.IntRange(0, 10), default=4, show_default=True,
              help="Retries of a request answered 429 or 5xx (Retry-After is honoured).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Summary format (json lists every link).")
@click.pass_context
def wikidata_cmd(ctx: click.Context, endpoint: str, store: Path | None, batch_size: int,
                 timeout: float, retries: int, fmt: str) -> None:
    """Record skos:exactMatch / skos:closeMatch links to Wikidata items, with evidence.

    Matches DPG records by source repository (P1324), official website (P856) and label,
    organisations by website and label; replaces the wikidata graph atomically. Exit 2 when
    the endpoint or the store cannot be used (the store is then left as it was).
    """
    from dpgkg.catalogues.wikidata import Endpoint, EndpointError, align
    from dpgkg.namespaces import IRIs
    from dpgkg.store import OxigraphStore, StoreError

    settings = settings_of(ctx, store=store)
    target = OxigraphStore(settings.store)
    if not target.exists():
        raise BadInput(f"no store at {settings.store}: run 'dpgkg build' first")
    try:
        report = align(target, IRIs(settings.base_iri),
                       Endpoint(endpoint, timeout=timeout, retries=retries), batch_size)
    except (EndpointError, StoreError) as exc:
        raise BadInput(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    pending = sum(k.status == "pending" for k in report.links)
    click.echo(f"aligned {report.records} records and {report.organizations} organisations "
               f"with {report.endpoint}: {report.count('exactMatch')} exactMatch, "
               f"{report.count('closeMatch')} closeMatch ({pending} pending review) from "
               f"{report.candidates} candidate items in {report.requests} requests, "
               f"{report.seconds:.1f} s; graph {report.graph}", err=True)
