"""The `factcheck` command group: Flask's CLI (run, routes, shell) bound to this app, plus our commands.

`factcheck.cli.main` runs this group for every command but a plain `factcheck split ...`, which
it runs without importing Flask (see factcheck/split_cli.py; the same command is registered here).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import FlaskGroup

from factcheck import create_app
from factcheck.split_cli import split_command

if TYPE_CHECKING:
    from factcheck.export import record_json
    from factcheck.importing import DuplicateArticle, expand_sources, import_source
    from factcheck.models import Article
    from factcheck.records import article_record
    from factcheck.report import report_markdown
    from factcheck.store import InvalidInput

# The app's modules (models, store, importing, export) take about a second to import, and
# `factcheck split` needs none of them: they are bound as globals of this module by the group
# callback, before any command other than `split` runs (`factcheck --app ... split` and tests
# reach `split` through this group).
_APP_NAMES = {
    "record_json": "factcheck.export",
    "DuplicateArticle": "factcheck.importing",
    "expand_sources": "factcheck.importing",
    "import_source": "factcheck.importing",
    "Article": "factcheck.models",
    "article_record": "factcheck.records",
    "report_markdown": "factcheck.report",
    "InvalidInput": "factcheck.store",
}


def _bind_app_names() -> None:
    """Import the app's modules and bind the names the commands use (see _APP_NAMES)."""
    for name, module in _APP_NAMES.items():
        globals()[name] = getattr(importlib.import_module(module), name)


def _session():
    from sqlmodel import Session

    return Session(current_app.extensions["factcheck.engine"], expire_on_commit=False)


@click.group(cls=FlaskGroup, create_app=create_app)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """factcheck: split news articles into claims, review them, export verdict reports."""
    if ctx.invoked_subcommand != "split":
        _bind_app_names()


cli.add_command(split_command)


@cli.command("import")
@click.argument("sources", nargs=-1, required=True)
def import_command(sources: tuple[str, ...]) -> None:
    """Import articles from files, folders and web addresses; print each new article's id.

    SOURCES are .txt/.md/.html/.docx files (split into claims), .json exports (restored),
    folders (their files of those kinds, recursively) and http(s) addresses (fetched, and the
    article extracted from the page). Each article is stored in its own transaction: one that
    fails is reported and stores nothing; one already stored is skipped. Errors, skipped
    duplicates and a summary go to stderr; the exit status is 1 if any import failed.
    """
    items = expand_sources(sources)
    imported, duplicates, failures = 0, 0, 0
    report: list[str] = []
    with click.progressbar(
        items,
        label="Importing",
        file=sys.stderr,
        hidden=not sys.stderr.isatty(),
        item_show_func=lambda source: None if source is None else click.format_filename(str(source), shorten=True),
    ) as progress:
        for source in progress:
            with _session() as session:
                try:
                    article = import_source(session, source, allow_private=current_app.config["FETCH_PRIVATE_ADDRESSES"])
                    session.commit()
                except DuplicateArticle as duplicate:
                    session.rollback()
                    duplicates += 1
                    report.append(f"{source}: skipped as duplicate (article {duplicate.existing.id})")
                    continue
                except InvalidInput as error:
                    session.rollback()
                    failures += 1
                    message = str(error)
                    report.append(message if message.startswith(str(source)) else f"{source}: {message}")
                    continue
            imported += 1
            click.echo(article.id)
    for line in report:
        click.echo(f"factcheck import: {line}", err=True)
    if len(items) > 1:
        click.echo(
            f"factcheck import: imported {imported}, skipped {duplicates} as duplicate, failed {failures}.", err=True
        )
    if failures:
        sys.exit(1)


@cli.command("export")
@click.argument("article_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def export_command(article_id: int, fmt: str, output: Path | None) -> None:
    """Export an article: the Markdown report (md) or the full record that `import` restores (json)."""
    with _session() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise click.ClickException(f"there is no article {article_id}")
        record = article_record(session, article)
    text = report_markdown(record) if fmt == "md" else record_json(record)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
