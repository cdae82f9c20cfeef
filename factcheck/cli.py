"""The `factcheck` command: Flask's CLI (run, routes, shell) bound to this app, plus our commands."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
from flask import current_app
from flask.cli import FlaskGroup

from factcheck import create_app

if TYPE_CHECKING:
    from factcheck.export import record_json
    from factcheck.importing import DuplicateArticle, expand_sources, import_source
    from factcheck.models import Article
    from factcheck.records import article_record
    from factcheck.report import report_markdown
    from factcheck.store import InvalidInput

# The app's modules (models, store, importing, export) take about a second to import, and
# `factcheck split` needs none of them: they are bound as globals of this module by the group
# callback, before any command other than `split` runs.
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


@cli.command("split", with_appcontext=False)
@click.argument("file", required=False, type=click.File("rb"))
@click.option("--batch", is_flag=True, help='Read JSON lines {"id": ..., "text": ...}; write {"id": ..., "claims": [...]} per line.')
def split_command(file: Any, batch: bool) -> None:
    """Split an article into claims: one JSON object {"start", "end", "text"} per line.

    Reads FILE, or standard input when no file is given. Offsets are in Python characters. A
    leading headline or date line, byline and dateline are metadata, not claims: they are skipped.
    """
    source = file or sys.stdin.buffer
    out = sys.stdout
    if batch:
        _split_batch(source, out)
        return
    from factcheck.extract import split_offsets
    from factcheck.importing import decode_text
    from factcheck.store import InvalidInput

    try:
        text = decode_text(source.read(), getattr(source, "name", "<stdin>") if file else "stdin.txt")
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    _write_lines(out, ({"start": start, "end": end, "text": text[start:end]} for start, end in split_offsets(text)))


def _split_batch(source: Any, out: TextIO) -> None:
    """Split each JSON line {"id", "text"} of `source`; write {"id", "claims"} per line to `out`."""
    from factcheck.extract import split_offsets

    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    for number, raw in enumerate(source, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise click.ClickException(f"line {number}: not a JSON object ({error})") from None
        if not isinstance(item, dict) or not isinstance(text := item.get("text"), str):
            raise click.ClickException(f'line {number}: expected {{"id": ..., "text": "..."}}')
        claims = [{"start": start, "end": end, "text": text[start:end]} for start, end in split_offsets(text)]
        out.write(encode({"id": item.get("id"), "claims": claims}) + "\n")


def _write_lines(out: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    out.writelines(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)


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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="factcheck")
