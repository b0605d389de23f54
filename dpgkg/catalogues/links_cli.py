"""``dpgkg links``: list the links of the links graph, or the ones waiting for review."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dpgkg.cli import BadInput, settings_of
from dpgkg.namespaces import IRIs
from dpgkg.query import curie
from dpgkg.store import OxigraphStore

TABLE_COLUMNS = ("status", "confidence", "rule", "subject", "predicate", "object", "field",
                 "text")


@click.command("links")
@click.option("--review", is_flag=True, help="Only the links waiting for review (pending).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="Store directory [env DPGKG_STORE; default ./dpgkg-store].")
@click.pass_context
def links_cmd(ctx: click.Context, review: bool, fmt: str, store: Path | None) -> None:
    """List the links made by 'dpgkg link' (rule, evidence, confidence, review status)."""
    from dpgkg.catalogues.linking import LINK_COLUMNS, read_links

    settings = settings_of(ctx, store=store)
    st = OxigraphStore(settings.store)
    if not st.exists():
        raise BadInput(f"no store at {settings.store}: run 'dpgkg build' first")
    rows = read_links(st, IRIs(settings.base_iri), review=review)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(LINK_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        table = Table(*TABLE_COLUMNS)
        for row in rows:
            table.add_row(*(curie(row[c]) for c in TABLE_COLUMNS))
        Console(width=200).print(table)
        what = "links waiting for review" if review else "links"
        click.echo(f"{len(rows)} {what}", err=True)
