"""``dpgkg link``: the group of commands that make links (``dpgkg link catalogues``; the
Wikidata alignment adds ``dpgkg link wikidata`` to the same group)."""

from __future__ import annotations

from pathlib import Path

import click

from dpgkg.catalogues.rules import ACCEPT_THRESHOLD
from dpgkg.catalogues.wikidata_cli import wikidata_cmd
from dpgkg.cli import BadInput, settings_of
from dpgkg.namespaces import IRIs
from dpgkg.store import OxigraphStore, StoreError


@click.group("link", context_settings={"help_option_names": ["-h", "--help"]})
def link_group() -> None:
    """Make links from the graph to other data (catalogue datasets, Wikidata)."""


@link_group.command("catalogues")
@click.option("--catalogue", "names", multiple=True, metavar="NAME",
              help="Only this harvested catalogue (repeatable); links of the others are kept. "
                   "Default: every catalogue graph.")
@click.option("--portals", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of the portals registry (dataportals-registry *.jsonl) "
                   "[default: the shared data folder's catalogues/dataportals-registry].")
@click.option("--threshold", type=click.FloatRange(0, 1), default=ACCEPT_THRESHOLD,
              show_default=True, help="Links with a lower confidence wait for review.")
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="Store directory [env DPGKG_STORE; default ./dpgkg-store].")
@click.pass_context
def catalogues_cmd(ctx: click.Context, names: tuple[str, ...], portals: Path | None,
                   threshold: float, store: Path | None) -> None:
    """Link the datasets of harvested catalogues to SDGs and DPGs (replaces the links graph)."""
    from dpgkg.catalogues.linking import link_catalogues
    from dpgkg.catalogues.rules_inputs import default_portals_dir

    settings = settings_of(ctx, store=store)
    st = OxigraphStore(settings.store)
    if not st.exists():
        raise BadInput(f"no store at {settings.store}: run 'dpgkg build' first")
    try:
        report = link_catalogues(st, IRIs(settings.base_iri), names or None,
                                 portals_dir=portals or default_portals_dir(),
                                 threshold=threshold)
    except (ValueError, StoreError) as exc:
        raise BadInput(str(exc)) from exc
    rules = ", ".join(f"{k} {v}" for k, v in report.by_rule.items()) or "none"
    seconds = sum(report.seconds.values())
    click.echo(f"linked {report.datasets} datasets of {len(report.catalogues)} catalogues: "
               f"{report.links} links ({report.accepted} accepted, {report.pending} pending "
               f"review; {rules}); {report.kept} links of other catalogues kept; "
               f"{seconds:.2f} s")


# ``dpgkg link wikidata``: wikidata_cli imports only click, the settings and the endpoint's
# default URL (SPARQLWrapper and the store wait until it runs), so registering it costs nothing.
link_group.add_command(wikidata_cmd)
