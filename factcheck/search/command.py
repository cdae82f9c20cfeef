"""`factcheck search ...`: the full-text indexes from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from factcheck.db import transaction
from factcheck.matching import index
from factcheck.search.store import reindex


@click.group("search", cls=AppGroup)
def search_group() -> None:
    """The full-text indexes search and matching read."""


@search_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the search indexes of claims and of the archive, and the rare words "seen before"
    matching looks up (with how many archive entries keep each), from the stored rows.

    They are kept in step as rows are written (by the database, and by the app for the rare
    words); this is for after restoring a backup made without them, or changing rows by hand
    with SQL. One transaction: searches meanwhile see the indexes as they were until it ends.
    """
    with transaction(current_app.extensions["factcheck.engine"]) as session:
        counts = reindex(session)
        words = index.rebuild(session)
    click.echo(f"Indexed {counts['claims']} claims and {counts['archive']} archive entries.")
    click.echo(f"Wrote {words['archive']} rare words of archive entries and {words['claims']} of verified claims.")
