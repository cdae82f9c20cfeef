"""The commands: Flask's (run, routes, shell) bound to this app, and ours.

The console script's group (factcheck/cli.py) lists them without loading this module, and loads
it to run one. Each command calls the same domain functions as the views, one unit of work at a
time (factcheck.db.transaction). `factcheck split` is registered here too (tests run it through
this group), but the console script runs it without loading this module (factcheck/__main__.py).
`factcheck db ...` are Alembic's own commands on our migrations; they alone run on a database
that is not at the latest revision, since they are what brings it there.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import click
from alembic import command as alembic
from alembic.util import CommandError
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo

from factcheck.app import create_app
from factcheck.archive.command import archive_group
from factcheck.backup import Snapshot, backup_database, check_backup, restore_database, sqlite_file
from factcheck.db import transaction
from factcheck.domain.accounts import HashParameters, create_user, find_user
from factcheck.domain.articles import get_article
from factcheck.domain.audit import AuditFilter, all_audit_events, json_lines, record_command
from factcheck.domain.collections import articles_in_collection, collection_filter, collection_record, collection_records
from factcheck.domain.exports import export_selection
from factcheck.domain.importing import DuplicateArticle, expand_sources, import_source
from factcheck.domain.permissions import permission_table
from factcheck.domain.records import article_record
from factcheck.errors import FactcheckError, MigrationFailed
from factcheck.extract.command import split_command
from factcheck.matching.command import match_command
from factcheck.matching.queue import match_queued
from factcheck.report import export_filename
from factcheck.report.claimreview import claim_reviews, claim_reviews_json
from factcheck.report.collection import chart_file_names, collection_charts, collection_html, collection_markdown
from factcheck.report.formats import EXPORT_FORMATS, ExportFormat
from factcheck.schema import (
    alembic_config,
    current_revision,
    downgrade_target,
    head_revision,
    out_of_date,
)
from factcheck.search.command import search_group
from factcheck.views.web import claim_page_url, organisation
from factcheck.vocabulary import Role

#: The --format names: the pure writers', and ClaimReview, whose URLs need the app's settings.
FORMAT_NAMES = [*EXPORT_FORMATS, "claimreview"]

# ScriptInfo.data key: False while a `factcheck db` command builds the app.
CHECK_DATABASE = "factcheck.check_database"


def _app() -> Flask:
    """The app a command runs in: checked against the latest revision, except for `factcheck db`."""
    context = click.get_current_context()
    app = create_app(check_database=context.ensure_object(ScriptInfo).data.get(CHECK_DATABASE, True))
    context.call_on_close(app.extensions["factcheck.engine"].dispose)
    return app


class _Commands(FlaskGroup):
    """Flask's command group, with every command registered on it: listing them (`--help`) or
    looking one up never builds the app, which stops on an out-of-date database."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return click.Group.list_commands(self, ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return click.Group.get_command(self, ctx, name)


@click.group(cls=_Commands, create_app=_app)
def cli() -> None:
    """factcheck: split news articles into claims, review them, export verdict reports."""


def script_info() -> ScriptInfo:
    """What Flask's commands take to build the app: as FlaskGroup makes it for `cli`."""
    os.environ["FLASK_RUN_FROM_CLI"] = "true"  # as FlaskGroup does: app.run() is a no-op under the CLI
    return ScriptInfo(create_app=_app)


def _engine():  # noqa: ANN202 (an Engine)
    return current_app.extensions["factcheck.engine"]


cli.add_command(split_command)
cli.add_command(search_group)
cli.add_command(archive_group)
cli.add_command(match_command)


@cli.command("import")
@click.argument("sources", nargs=-1, required=True)
def import_command(sources: tuple[str, ...]) -> None:
    """Import articles from files, folders and web addresses; print each new article's id.

    SOURCES are .txt/.md/.html/.docx files (split into claims), .json exports (restored),
    folders (their files of those kinds, recursively) and http(s) addresses (fetched, and the
    article extracted from the page). Each article is stored in its own transaction: one that
    fails is reported and stores nothing; one already stored is skipped. Then the new claims'
    earlier checks are found (seen before). Errors (one line per failed source, whatever went
    wrong), skipped duplicates and a summary go to stderr; the exit status is 1 if any import failed.
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
            try:
                with transaction(_engine()) as session:
                    article = import_source(
                        session,
                        source,
                        allow_private=current_app.config["FETCH_PRIVATE_ADDRESSES"],
                        private_hosts=current_app.config["FETCH_PRIVATE_HOSTS"],
                    )
                    record_command(session, "article_created", target=f"article {article.id}",
                                   detail=f"title: {article.title}; from: {source}")
            except DuplicateArticle as duplicate:
                duplicates += 1
                report.append(f"{source}: skipped as duplicate (article {duplicate.existing_id})")
                continue
            except FactcheckError as error:
                failures += 1
                message = str(error)
                report.append(message if message.startswith(str(source)) else f"{source}: {message}")
                continue
            except Exception as error:  # noqa: BLE001 (one file's bug must not stop the batch or lose its summary)
                failures += 1
                report.append(f"{source}: failed: {type(error).__name__}: {error}".replace("\n", " "))
                continue
            imported += 1
            click.echo(article.id)
    if imported:
        match_queued(_engine())  # after the imports are stored: each is kept even if this fails
    for line in report:
        click.echo(f"factcheck import: {line}", err=True)
    if len(items) > 1:
        click.echo(
            f"factcheck import: imported {imported}, skipped {duplicates} as duplicate, failed {failures}.", err=True
        )
    if failures:
        sys.exit(1)


@cli.command("export")
@click.argument("article_id", type=int, required=False, metavar="[ID]")
@click.option("--all", "collection", is_flag=True, help="Export a collection: every article, or those the options below choose.")
@click.option("--format", "fmt", default="md", show_default=True, metavar="|".join(FORMAT_NAMES),
              callback=lambda _ctx, _param, name: _export_format(name), help="What to write.")
@click.option("--from", "published_from", metavar="YYYY-MM-DD", callback=lambda _ctx, _param, day: _day("--from", day),
              help="With --all: published on or after this day (undated articles: added).")
@click.option("--to", "published_to", metavar="YYYY-MM-DD", callback=lambda _ctx, _param, day: _day("--to", day),
              help="With --all: published on or before this day (undated articles: added).")
@click.option("--outlet", default="", help="With --all: from this outlet (any case).")
@click.option("--tag", default="", help="With --all: with this tag.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file instead of stdout; with --all, into this folder (made if missing).")
def export_command(
    article_id: int | None,
    collection: bool,
    fmt: ExportFormat,
    published_from: dt.date | None,
    published_to: dt.date | None,
    outlet: str,
    tag: str,
    output: Path | None,
) -> None:
    """Export an article, or a collection with --all: Markdown report, JSON record, CSV of claims or ClaimReview.

    md: the report of verdicts; json: the full record that `import` restores; csv: one row per
    claim, for spreadsheets; claimreview: ClaimReview JSON-LD of the published claims, whose URLs
    are their public pages under PUBLIC_BASE_URL (which must be set). With --all, each article
    goes to its own file in the -o folder (md, json), or all of them to one (csv: claims.csv;
    claimreview: claimreview.json); each file is written whole or not at all, and the same data
    gives the same bytes.
    """
    if collection == (article_id is not None):
        raise click.ClickException("give an article ID or --all, not both" if collection else "give an article ID, or --all")
    options = {"--from": published_from, "--to": published_to, "--outlet": outlet, "--tag": tag}
    if not collection and any(options.values()):
        raise click.ClickException("--from, --to, --outlet and --tag choose the articles of --all, not of an ID")
    try:
        if collection:
            _export_collection(fmt, output, options)
        else:
            _export_article(article_id, fmt, output)
    except FactcheckError as error:  # a writer's refusal: ClaimReview without PUBLIC_BASE_URL
        raise click.ClickException(str(error)) from None


def _export_article(article_id: int, fmt: ExportFormat, output: Path | None) -> None:
    """Export one article to the file `output`, or stdout."""
    with transaction(_engine()) as session:
        try:
            record = article_record(session, get_article(session, article_id))
        except FactcheckError:
            raise click.ClickException(f"there is no article {article_id}") from None
    if output is None:
        sys.stdout.buffer.write(fmt.article(record))
    else:
        _write_whole(output, [fmt.article(record)])


def _export_collection(fmt: ExportFormat, output: Path | None, options: dict[str, Any]) -> None:
    """Export the articles the options choose into the folder `output`, streaming: one article's
    record in memory at a time, read in one transaction (a consistent collection)."""
    if output is None:
        raise click.ClickException("--all writes files: give the folder with -o DIR")
    if output.exists() and not output.is_dir():
        raise click.ClickException(f"{output} is a file: --all writes into a folder")
    with transaction(_engine()) as session:
        try:
            article_ids = export_selection(
                session,
                published_from=options["--from"],
                published_to=options["--to"],
                outlet=options["--outlet"],
                tag=options["--tag"],
            )
        except FactcheckError as error:
            raise click.ClickException(str(error)) from None
        if not article_ids:
            chosen = " ".join(f"{flag} {shlex.quote(str(value))}" for flag, value in options.items() if value)
            raise click.ClickException(f"no article to export: none matches {chosen}" if chosen else "no article to export")
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise click.ClickException(f"cannot make the folder {output}: {error.strerror or error}") from None
        claims = 0
        with click.progressbar(
            article_ids,
            label=f"Exporting {_articles(len(article_ids))}",
            file=sys.stderr,
            hidden=not sys.stderr.isatty(),
            item_show_func=lambda article_id: None if article_id is None else f"article {article_id}",
        ) as progress:

            def records() -> Iterator[dict[str, Any]]:
                nonlocal claims
                for article_id in progress:
                    record = article_record(session, get_article(session, article_id))
                    session.expunge_all()  # what the session holds of this article is in the record now
                    claims += len(record["claims"])
                    yield record

            if fmt.collection is not None and fmt.collection_file is not None:
                _write_whole(output / fmt.collection_file, fmt.collection(records()))
            else:
                for record in records():
                    name = export_filename(record["article"]["id"], record["article"]["title"], fmt.extension)
                    _write_whole(output / name, [fmt.article(record)])
    click.echo(f"Exported {_articles(len(article_ids))} ({claims} claim{'' if claims == 1 else 's'}) to {output}.", err=True)


def _export_format(name: str) -> ExportFormat:
    """The --format named: unknown, one line and exit 1."""
    if name == "claimreview":
        return _claimreview_format()
    if name not in EXPORT_FORMATS:
        raise click.ClickException(f"Invalid value for '--format': {name!r} is not one of {', '.join(FORMAT_NAMES)}.")
    return EXPORT_FORMATS[name]


def _claimreview_format() -> ExportFormat:
    """ClaimReview JSON-LD of the published claims: a JSON array per article (`[]` if none), or one
    array for a whole collection; each `url` is the claim's public page under PUBLIC_BASE_URL."""

    def reviews(record: dict[str, Any]) -> list[dict[str, Any]]:
        return claim_reviews(record, organisation=organisation(), page_url=claim_page_url)

    def collection(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
        # Only the published claims' reviews are held, not the records: small beside the articles.
        yield claim_reviews_json([review for record in records for review in reviews(record)]).encode("utf-8")

    return ExportFormat("claimreview.json", lambda record: claim_reviews_json(reviews(record)).encode("utf-8"),
                        collection_file="claimreview.json", collection=collection)


def _day(option: str, value: str | None) -> dt.date | None:
    """A YYYY-MM-DD option as a date: anything else, one line and exit 1."""
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"{option} {value!r} is not a day: give it as YYYY-MM-DD.") from None


def _articles(count: int) -> str:
    return f"{count} article{'' if count == 1 else 's'}"


def _write_whole(path: Path, chunks: Iterable[bytes]) -> None:
    """Write the file whole or not at all: into a hidden file beside it, renamed over it at the end
    (an interrupted export leaves the last complete file, never part of one)."""
    if path.is_dir():
        raise click.ClickException(f"cannot write {path}: it is a folder")
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        partial.replace(path)
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)


class _BadFilter(click.ClickException):
    """A filter that is not one: one line on stderr, and click's exit status for bad usage."""

    exit_code = 2


@cli.command("report")
@click.option("--from", "start", default="", metavar="DATE", help="Articles of DATE (YYYY-MM-DD) or later.")
@click.option("--to", "end", default="", metavar="DATE", help="Articles of DATE (YYYY-MM-DD) or earlier.")
@click.option("--outlet", default="", help="Articles from this outlet (whatever its case).")
@click.option("--tag", default="", help="Articles with this tag.")
@click.option("--reviewer", default="", metavar="USERNAME", help="Articles with a verdict this user wrote.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def report_command(start: str, end: str, outlet: str, tag: str, reviewer: str, fmt: str, output: Path | None) -> None:
    """Write a collection report: totals, then each matching article's methodology record (md or html).

    No filter takes every article; an article's date is its publication date, else the day it
    was added. Written one article at a time. With -o, a Markdown report's charts are written
    beside it (FILE-STEM-<chart>.svg); the HTML report holds its own.
    """
    with transaction(_engine()) as session:  # one transaction for the whole report, read only
        try:
            chosen = collection_filter(session, start=start, end=end, outlet=outlet, tag=tag, reviewer=reviewer)
        except FactcheckError as error:
            raise _BadFilter(str(error)) from None
        article_ids = articles_in_collection(session, chosen)
        if not article_ids:
            raise click.ClickException(f"no articles match: {chosen.describe()}")
        collection = collection_record(session, chosen)
        charts = collection_charts(collection)
        records = collection_records(session, article_ids)
        if fmt == "html":
            _write_report(collection_html(collection, records, charts=charts), output)
            return
        chart_files = chart_file_names(output.stem, charts) if output is not None else {}
        for name, file_name in chart_files.items():
            _write_report([charts[name]], output.with_name(file_name))
        _write_report(collection_markdown(collection, records, chart_files=chart_files), output)


def _write_report(pieces: Iterable[str], output: Path | None) -> None:
    """Write the report's pieces as they come, to stdout or to `output`."""
    if output is None:
        for piece in pieces:
            sys.stdout.write(piece)
        return
    try:
        with output.open("w", encoding="utf-8") as file:
            for piece in pieces:
                file.write(piece)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None


@cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.REVIEWER.value, show_default=True)
@click.option("--name", "display_name", default="", help="The name the team sees (default: the username).")
@click.option("--if-missing", is_flag=True, help="Do nothing (and succeed) if the user exists already.")
def create_user_command(username: str, role: str, display_name: str, if_missing: bool) -> None:
    """Add a user. The password is prompted for, or read from the first line of stdin when
    stdin is not a terminal (for scripts: `echo "$PASSWORD" | factcheck create-user ...`)."""
    if if_missing:
        with transaction(_engine()) as session:
            existing = find_user(session, username)
        if existing is not None:
            click.echo(f"User {existing.username} exists already; left as it is.", err=True)
            return
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with transaction(_engine()) as session:
            params = HashParameters.from_config(current_app.config)
            user = create_user(session, username, password, role, params, display_name=display_name)
            record_command(session, "user_created", target=f"user {user.username}", detail=f"role: {user.role.value}")
    except FactcheckError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role.value} {user.username} (user {user.id}).")


@cli.command("permissions", with_appcontext=False)
def permissions_command() -> None:
    """Print who may do what, as the Markdown table in the README."""
    click.echo(permission_table(), nl=False)


# --- Backups of a SQLite database (factcheck/backup.py); PostgreSQL has pg_dump --------------------


def _database_file(ctx: click.Context, *, restoring: bool = False) -> Path:
    """The SQLite file of the app's database, whatever its revision (a backup is made before an
    upgrade, and a restore may bring an older one); any other database, one line and exit 1."""
    info = ctx.ensure_object(ScriptInfo)
    info.data[CHECK_DATABASE] = False
    try:
        return sqlite_file(info.load_app().config["DATABASE_URL"], restoring=restoring)
    except FactcheckError as error:
        raise click.ClickException(str(error)) from None


def _holding(snapshot: Snapshot) -> str:
    return f"{len(snapshot.rows)} tables, {snapshot.total_rows:,} rows, revision {snapshot.revision or '(none: 0.1.0)'}"


@cli.command("backup", with_appcontext=False)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.pass_context
def backup_command(ctx: click.Context, path: Path, force: bool) -> None:
    """Copy the SQLite database to the new file PATH, consistent and checked, while the server runs.

    The copy is one moment of the database, taken with SQLite's online backup API while server
    processes go on writing. It is written beside PATH under a hidden name, checked
    (integrity_check, the schema revision and every table's rows against the database's at that
    moment) and only then moved to PATH, readable by its owner alone.
    """
    database = _database_file(ctx)
    try:
        copy = backup_database(database, path, force=force)
    except FactcheckError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {database} to {copy.path}: {_holding(copy.snapshot)}; "
               f"{copy.size / 1e6:.1f} MB in {copy.seconds:.2f} s.")


@cli.command("restore", with_appcontext=False)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask first.")
@click.pass_context
def restore_command(ctx: click.Context, path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup PATH, keeping the old one beside it; stop the server first.

    PATH must be a whole factcheck database (integrity_check) at this release's schema revision or
    an earlier one, which is then brought to the latest, as `factcheck db upgrade` does. Refused
    while any other process has the database open. Asks first, unless --yes. Restart the server
    processes afterwards.
    """
    database = _database_file(ctx, restoring=True)
    try:
        wanted = check_backup(path)
        if not yes:
            click.confirm(f"Replace the database {database} with {path} ({_holding(wanted)})? "
                          "The database it replaces is kept beside it.", abort=True, err=True)
        restored = restore_database(database, path)
    except FactcheckError as error:
        raise click.ClickException(str(error)) from None
    kept = f" The database it replaced is kept as {restored.kept}." if restored.kept else ""
    click.echo(f"Restored {path} into {database}: {_holding(restored.snapshot)}; {restored.seconds:.2f} s.{kept}")
    if restored.snapshot.revision != head_revision():
        ctx.invoke(db_upgrade)
    click.echo("Restart the server processes: what they remember of the database is of the one replaced.")


# --- The security and audit log (factcheck/domain/audit.py) --------------------------------------


@cli.command("audit")
@click.option("--kind", default="", help="Events of this kind (login, login_failed, role_changed...).")
@click.option("--user", "username", default="", metavar="NAME", help="Events of this username.")
@click.option("--from", "start", default="", metavar="DATE", help="Events on DATE (YYYY-MM-DD, UTC) or later.")
@click.option("--to", "end", default="", metavar="DATE", help="Events on DATE (YYYY-MM-DD, UTC) or earlier.")
@click.option("--address", default="", help="Events from this address.")
def audit_command(kind: str, username: str, start: str, end: str, address: str) -> None:
    """Print the security and audit log as JSON lines, newest first."""
    try:
        audit_filter = AuditFilter.from_args({"kind": kind, "username": username, "from": start, "to": end,
                                              "address": address})
    except FactcheckError as error:
        raise click.ClickException(str(error)) from None
    with transaction(_engine()) as session:  # read only
        for line in json_lines(all_audit_events(session, audit_filter)):
            click.echo(line, nl=False)


# --- The schema: Alembic's commands on our migrations ------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Schema revisions (Alembic): upgrade, downgrade, current, history, revision, check."""
    click.get_current_context().ensure_object(ScriptInfo).data[CHECK_DATABASE] = False


def _alembic_config(*, read_only: bool = False):  # noqa: ANN202 (an alembic Config)
    return alembic_config(current_app.config["DATABASE_URL"], read_only=read_only)


def _migrate(step: Callable[[], None]) -> None:
    """Run an Alembic command; a revision that refuses to finish is one line on stderr, exit 1."""
    try:
        step()
    except (CommandError, MigrationFailed) as error:
        raise click.ClickException(str(error)) from None


@db_group.command("upgrade")
@click.argument("revision", default="head")
@click.option("--sql", is_flag=True, help="Print the SQL a new database needs, instead of running anything.")
def db_upgrade(revision: str, sql: bool) -> None:
    """Bring the database to REVISION (default: the latest), creating it if it is empty.

    A database made by factcheck 0.1.0 or earlier, before revisions, is brought to the first
    revision in place, keeping every row (not with --sql, which writes a new database's script).
    """
    _migrate(lambda: alembic.upgrade(_alembic_config(), revision, sql=sql))
    if not sql:
        _say_revision()


@db_group.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision")
@click.option("--sql", is_flag=True, help="Print the SQL instead of running it.")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def db_downgrade(revision: str, sql: bool, yes: bool) -> None:
    """Take the database back to REVISION (`-1`: one step; `base`: no tables at all, every row lost).

    Asks first, saying what goes, unless --yes.
    """
    if not sql and not yes:
        target = downgrade_target(_engine(), revision)
        if target is None:
            question = "This drops every table: all users, articles, claims and reviews are lost for good. Go on?"
        else:
            question = f"Tables and columns added after revision {target} are dropped, with every row in them. Go on?"
        click.confirm(question, abort=True, err=True)
    _migrate(lambda: alembic.downgrade(_alembic_config(), revision, sql=sql))
    if not sql:
        _say_revision()


def _say_revision() -> None:
    current, _ = current_revision(_engine())
    latest = " (the latest)" if current == head_revision() else ""
    click.echo(f"The database is at revision {current}{latest}." if current else "The database has no tables.")


@db_group.command("current")
@click.option("-v", "--verbose", is_flag=True)
def db_current(verbose: bool) -> None:
    """Print the database's revision (nothing before the first upgrade), and what to do if it is not the latest."""
    _migrate(lambda: alembic.current(_alembic_config(read_only=True), verbose=verbose))
    advice = out_of_date(_engine())
    if advice:
        click.echo(f"factcheck: {advice}", err=True)


@db_group.command("history")
@click.option("-v", "--verbose", is_flag=True)
@click.option("-r", "--rev-range", default=None, help="A range, such as base:current.")
def db_history(verbose: bool, rev_range: str | None) -> None:
    """List the revisions, newest first."""
    config = _alembic_config(read_only=True)
    _migrate(lambda: alembic.history(config, rev_range=rev_range, verbose=verbose, indicate_current=True))


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the change is for.")
@click.option("--autogenerate", is_flag=True, help="Compare the models with the database and write the operations.")
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new revision file in migrations/versions (review it before committing it)."""
    _migrate(lambda: alembic.revision(_alembic_config(read_only=True), message=message, autogenerate=autogenerate))


@db_group.command("check")
def db_check() -> None:
    """Exit 1 if the models and the database (at the latest revision) differ, as autogenerate sees them."""
    _migrate(lambda: alembic.check(_alembic_config(read_only=True)))  # AutogenerateDiffsDetected is a CommandError
    click.echo("The models and the migrations agree.")


@cli.command("init-db", with_appcontext=False)
@click.pass_context
def init_db_command(ctx: click.Context) -> None:
    """Create the tables and the preset rating scales, or bring them up to date (`factcheck db upgrade`)."""
    ctx.ensure_object(ScriptInfo).data[CHECK_DATABASE] = False
    ctx.invoke(db_upgrade)
    click.echo("Database ready.")
