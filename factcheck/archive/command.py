"""`factcheck archive import FILE...`: published fact-checks into the archive, a file at a time."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from factcheck.archive.store import ImportSummary, import_archive
from factcheck.db import transaction
from factcheck.domain.audit import record_command
from factcheck.errors import FactcheckError
from factcheck.matching.queue import match_queued, requeue_open


@click.group("archive", cls=AppGroup)
def archive_group() -> None:
    """The archive of published fact-checks that new claims are matched against."""


@archive_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--skip-invalid", is_flag=True, help="Store a file's good records and list the bad ones, instead of refusing the file."
)
def import_command(files: tuple[Path, ...], skip_invalid: bool) -> None:
    """Import published fact-checks: ClaimReview JSON-LD (an object, a list, an @graph or a
    DataFeed) or JSON lines ({"id", "claim", "title"?, "summary"?, "url"?, "published"?,
    "rating"?, "publisher"?, "claimant"?} a line).

    Each file is stored whole in its own transaction; importing it again updates its entries (by
    id, else url) and never duplicates them. A file with a bad record is refused whole, each bad
    record listed on stderr, unless --skip-invalid. Prints a summary line per file, then looks
    again for matches of the claims still under review. Exit status 1 if any file was refused.
    """
    engine = current_app.extensions["factcheck.engine"]
    total, failed = ImportSummary(), False
    for path in files:
        try:
            summary = _import_file(engine, path, skip_invalid)
        except (OSError, FactcheckError, SQLAlchemyError) as error:
            failed = True
            if isinstance(error, SQLAlchemyError):
                why = str(getattr(error, "orig", None) or error).splitlines()[0]
                message = f"the database refused it, nothing was stored: {why}"
            else:
                message = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            named = message if message.startswith(str(path)) else f"{path}: {message}"
            click.echo(f"factcheck archive import: {named}", err=True)
            continue
        for refused in summary.refused:
            click.echo(f"factcheck archive import: {path}: {refused}", err=True)
        if summary.refused and not skip_invalid:
            failed = True
            total.refused += summary.refused
            click.echo(
                f"factcheck archive import: {path}: refused whole, nothing stored: {len(summary.refused)} bad "
                f"record{'s' if len(summary.refused) != 1 else ''} (--skip-invalid stores the others).",
                err=True,
            )
            continue
        click.echo(f"{path}: {summary.line()} ({summary.shape})")
        total.add(summary)
    if len(files) > 1:
        click.echo(f"In all: {total.line()}")
    if total.stored:
        with transaction(engine) as session:
            requeue_open(session, current_app.config["MATCH_REFRESH_LIMIT"])
        looked = match_queued(engine)  # a transaction per batch: finding reads, storing takes a moment
        click.echo(f"Looked again for earlier checks of {looked} claim{'s' if looked != 1 else ''} under review.")
    if failed:
        sys.exit(1)


def _import_file(engine, path: Path, skip_invalid: bool) -> ImportSummary:  # noqa: ANN001 (an Engine)
    size = path.stat().st_size
    with (
        path.open("rb") as stream,
        click.progressbar(
            length=size, label=click.format_filename(path.name, shorten=True), file=sys.stderr, hidden=not sys.stderr.isatty()
        ) as bar,
        transaction(engine) as session,
    ):
        done = [0]

        def advance(bytes_read: int) -> None:
            bar.update(bytes_read - done[0])
            done[0] = bytes_read

        summary = import_archive(session, stream, str(path), skip_invalid=skip_invalid, progress=advance)
        if summary.refused and not skip_invalid:
            session.rollback()
        else:
            record_command(session, "archive_imported", target=f"file {path}", detail=summary.line())
    return summary
