"""`factcheck split`: a plain click command that imports neither Flask nor the database layer.

Splitting is pure text work, and bulk users run `factcheck split --batch` once per batch, so its
start-up counts: the console script (factcheck/__main__.py) runs a plain `--batch` invocation
without click at all (factcheck/extract/parallel.py) and anything else through this command,
and importing Flask would be most of the time a small batch takes. It is also registered in the
Flask command group (factcheck/cli.py) so that `factcheck --help` lists it and
`factcheck --app ... split` works.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import click

from factcheck.errors import InvalidInput
from factcheck.extract import split_offsets
from factcheck.extract.parallel import BatchError, split_batch
from factcheck.ingest.text import decode_text


@click.command("split")
@click.argument("file", required=False, type=click.File("rb"))
@click.option(
    "--batch", is_flag=True, help='Read JSON lines {"id": ..., "text": ...}; write {"id": ..., "claims": [...]} per line.'
)
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    help="Processes that share a --batch of 256 kB or more (default, or 0: one per CPU; 1: no workers).",
)
def split_command(file: Any, batch: bool, jobs: int | None) -> None:
    """Split an article into claims: one JSON object {"start", "end", "text"} per line.

    Reads FILE, or standard input when no file is given. Offsets are in Python characters. A
    leading headline or date line, byline and dateline are metadata, not claims: they are skipped.
    """
    source = file or sys.stdin.buffer
    out = sys.stdout
    if batch:
        try:
            split_batch(source, out, jobs)
        except BatchError as error:
            raise click.ClickException(str(error)) from None
        return
    try:
        text = decode_text(source.read(), getattr(source, "name", "<stdin>") if file else "stdin.txt")
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    _write_lines(out, ({"start": start, "end": end, "text": text[start:end]} for start, end in split_offsets(text)))


def _write_lines(out: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    out.writelines(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
