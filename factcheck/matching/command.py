"""`factcheck match`: the earlier checks of a claim, for people and (with --batch) for scripts."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from factcheck.db import transaction
from factcheck.matching.store import find_matches

#: The longest claim text matched; longer input is refused.
MAX_TEXT_CHARS = 5000


@click.command("match")
@click.argument("text", required=False)
@click.option("--batch", is_flag=True, help='Read JSON lines {"id": ..., "text": ...} on stdin; write one line per input.')
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True, help="Matches per claim.")
@click.option("--json", "as_json", is_flag=True, help="Print TEXT's matches as one JSON object, as --batch does.")
@with_appcontext
def match_command(text: str | None, batch: bool, top: int, as_json: bool) -> None:
    """Print the earlier checks a claim matches, best first.

    They come from the archive and from claims of other articles with an approved or published
    verdict.

    With --batch, each output line is {"id": ..., "matches": [{"ref": "archive:<id>" or
    "claim:<id>", "score": 0-1, "claim": str, "verdict": str or null, "url": str or null}]};
    an input line that cannot be read gives {"id": ..., "error": why} and exit status 1.
    """
    engine = current_app.extensions["factcheck.engine"]
    if batch == (text is not None):
        raise click.UsageError("give a claim's text, or --batch to read JSON lines on stdin.")
    if not batch:
        if len(text) > MAX_TEXT_CHARS:
            raise click.BadParameter(f"at most {MAX_TEXT_CHARS} characters.", param_hint="TEXT")
        with transaction(engine) as session:
            matches = find_matches(session, text, top=top)
        if as_json:
            click.echo(json.dumps({"id": None, "matches": [m.as_json() for m in matches]}, ensure_ascii=False))
        elif not matches:
            click.echo("No earlier checks found.")
        for match in matches if not as_json else []:
            click.echo(f"{match.score:.2f}  {match.ref}  [{match.verdict or 'no verdict'}]  {match.claim}"
                       + (f"  {match.url}" if match.url else ""))
        return
    failed = False
    with transaction(engine) as session:
        for number, line in enumerate(sys.stdin.buffer, start=1):
            if not line.strip():
                continue
            query_id, claim_text, why = _read_line(line)
            if why:
                failed = True
                click.echo(f"factcheck match: line {number}: {why}", err=True)
                click.echo(json.dumps({"id": query_id, "error": why}, ensure_ascii=False))
                continue
            matches = find_matches(session, claim_text, top=top)
            click.echo(json.dumps({"id": query_id, "matches": [m.as_json() for m in matches]}, ensure_ascii=False))
    if failed:
        sys.exit(1)


def _read_line(line: bytes) -> tuple[object, str, str]:
    """A batch line's id and text, or why it cannot be read."""
    try:
        value = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "", "not UTF-8 text"
    except (ValueError, RecursionError):
        return None, "", "not a JSON object"
    if not isinstance(value, dict):
        return None, "", 'not a JSON object {"id": ..., "text": ...}'
    query_id = value.get("id")
    if not isinstance(query_id, str | int | float) or isinstance(query_id, bool) or not _is_text(query_id):
        return None, "", '"id" must be a string or a number'
    claim_text = value.get("text")
    if not isinstance(claim_text, str) or not claim_text.strip():
        return query_id, "", '"text" must be a non-empty string'
    if len(claim_text) > MAX_TEXT_CHARS:
        return query_id, "", f'"text" is longer than {MAX_TEXT_CHARS} characters'
    if "\x00" in claim_text or not _is_text(claim_text):
        return query_id, "", '"text" has a NUL character or a lone surrogate'
    return query_id, claim_text, ""


def _is_text(value: object) -> bool:
    """Whether a string can be written back as UTF-8 (no lone surrogates); True for numbers."""
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
