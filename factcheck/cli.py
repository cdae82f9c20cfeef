"""The `factcheck` console script's command group, with click alone: `factcheck --help` lists the
commands without loading Flask, the database or the app, and a command is loaded when it is run
or asked for its own help. The commands are in factcheck.commands (Flask's run, routes and shell
bound to this app, and ours) and, for `split`, factcheck.extract.command.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version

import click

from factcheck.errors import DatabaseOutOfDate

#: Every command and the line `factcheck --help` shows for it: its own short help
#: (tests/test_cli.py checks that they agree).
COMMANDS = {
    "archive": "The archive of published fact-checks that new claims are matched against.",
    "audit": "Print the security and audit log as JSON lines, newest first.",
    "backup": "Copy the SQLite database to the new file PATH, consistent and checked, while the server runs.",
    "create-user": "Add a user.",
    "db": "Schema revisions (Alembic): upgrade, downgrade, current, history, revision, check.",
    "export": "Export an article, or a collection with --all: Markdown report, JSON record, CSV of claims or ClaimReview.",
    "import": "Import articles from files, folders and web addresses; print each new article's id.",
    "init-db": "Create the tables and the preset rating scales, or bring them up to date (`factcheck db upgrade`).",
    "match": "Print the earlier checks a claim matches, best first.",
    "permissions": "Print who may do what, as the Markdown table in the README.",
    "report": "Write a collection report: totals, then each matching article's methodology record (md or html).",
    "restore": "Replace the SQLite database with the backup PATH, keeping the old one beside it; stop the server first.",
    "routes": "Show the routes for the app.",
    "run": "Run a development server.",
    "search": "The full-text indexes search and matching read.",
    "shell": "Run a shell in the app context.",
    "split": 'Split an article into claims: one JSON object {"start", "end", "text"} per line.',
}


def _version() -> str:
    try:
        return version("factcheck")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class Factcheck(click.Group):
    """The command group: lists COMMANDS as they are, loads a command only to run it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name == "split":
            from factcheck.extract.command import split_command

            return split_command
        from factcheck.commands import cli, script_info

        if ctx.obj is None:  # Flask's commands build the app from it
            ctx.obj = script_info()
        return cli.get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.utils.make_default_short_help(COMMANDS[name], width)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _set_debug(_ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
    """As Flask's own --debug: the app is made in debug mode (FLASK_DEBUG), for any command."""
    if value is not None:
        os.environ["FLASK_DEBUG"] = "1" if value else "0"


@click.group(cls=Factcheck)
@click.option("--debug/--no-debug", default=None, expose_value=False, is_eager=True, callback=_set_debug,
              help="Set debug mode.")
@click.version_option(_version(), prog_name="factcheck", message="%(prog)s %(version)s")
def cli() -> None:
    """factcheck: split news articles into claims, review them, export verdict reports."""


def run() -> None:
    """Run the command line; a database behind the latest revision is one line on stderr, exit 1."""
    try:
        cli.main(prog_name="factcheck")
    except DatabaseOutOfDate as error:
        click.echo(f"factcheck: {error}", err=True)
        sys.exit(1)
