"""`factcheck search ...`: the full-text indexes from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from factcheck.db import transaction
from factcheck.search.store import reindex


@click.group("search", cls=AppGroup)
def search_group() -> None:
    """The full-text indexes search and matching read."""


@search_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the search indexes of claims and of the archive from the stored rows.

    The indexes are kept in step by the database itself; this is for after restoring a backup
    made without them, or copying rows in by hand. One transaction: searches meanwhile see the
    indexes as they were until it ends.
    """
    with transaction(current_app.extensions["factcheck.engine"]) as session:
        counts = reindex(session)
    click.echo(f"Indexed {counts['claims']} claims and {counts['archive']} archive entries.")
