"""`factcheck split`: a plain click command that imports neither Flask nor the database layer.

Splitting is pure text work, and bulk users run `factcheck split --batch` once per batch, so its
start-up counts: `factcheck.cli.main` runs this command directly, and importing Flask would be
most of the time a small batch takes. It is also registered in the Flask command group
(factcheck/commands.py) so that `factcheck --help` lists it and `factcheck --app ... split` works.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from json.encoder import encode_basestring as _quote  # a str as JSON, as ensure_ascii=False writes it
from typing import Any, TextIO

import click


@click.command("split")
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
        split_batch(source, out)
        return
    from factcheck.errors import InvalidInput
    from factcheck.extract import split_offsets
    from factcheck.textfile import decode_text

    try:
        text = decode_text(source.read(), getattr(source, "name", "<stdin>") if file else "stdin.txt")
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    _write_lines(out, ({"start": start, "end": end, "text": text[start:end]} for start, end in split_offsets(text)))


def split_batch(source: Iterable[bytes], out: TextIO) -> None:
    """Split each JSON line {"id", "text"} of `source`; write {"id", "claims"} per line to `out`.

    A bad line stops the command, with its line number, after the lines before it are written.
    """
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
        # What encode({"id": ..., "claims": [{"start": ..., "end": ..., "text": ...}]}) writes,
        # formatted directly: a quarter faster than building and encoding the dictionaries.
        claims = ", ".join(
            [f'{{"start": {start}, "end": {end}, "text": {_quote(text[start:end])}}}' for start, end in split_offsets(text)]
        )
        out.write(f'{{"id": {encode(item.get("id"))}, "claims": [{claims}]}}\n')


def _write_lines(out: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    out.writelines(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
