"""`factcheck split`: a plain click command that imports neither Flask nor the database layer.

Splitting is pure text work, and bulk users run `factcheck split --batch` once per batch, so its
start-up counts: `factcheck.cli.main` runs this command directly, and importing Flask would be
most of the time a small batch takes. It is also registered in the Flask command group
(factcheck/commands.py) so that `factcheck --help` lists it and `factcheck --app ... split` works.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring as _quote  # a str as JSON, as ensure_ascii=False writes it
from typing import Any, TextIO

import click


# Lines of input each worker process takes at a time with --jobs.
BLOCK_LINES = 200


@click.command("split")
@click.argument("file", required=False, type=click.File("rb"))
@click.option("--batch", is_flag=True, help='Read JSON lines {"id": ..., "text": ...}; write {"id": ..., "claims": [...]} per line.')
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --batch: split in this many processes; the output keeps the input's order.",
)
def split_command(file: Any, batch: bool, jobs: int) -> None:
    """Split an article into claims: one JSON object {"start", "end", "text"} per line.

    Reads FILE, or standard input when no file is given. Offsets are in Python characters. A
    leading headline or date line, byline and dateline are metadata, not claims: they are skipped.
    """
    source = file or sys.stdin.buffer
    out = sys.stdout
    if batch:
        split_batch(source, out, jobs)
        return
    if jobs > 1:
        raise click.UsageError("--jobs works with --batch only.")
    from factcheck.errors import InvalidInput
    from factcheck.extract import split_offsets
    from factcheck.textfile import decode_text

    try:
        text = decode_text(source.read(), getattr(source, "name", "<stdin>") if file else "stdin.txt")
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    _write_lines(out, ({"start": start, "end": end, "text": text[start:end]} for start, end in split_offsets(text)))


def split_batch(source: Iterable[bytes], out: TextIO, jobs: int = 1) -> None:
    """Split each JSON line {"id", "text"} of `source`; write {"id", "claims"} per line to `out`.

    With `jobs` > 1, blocks of BLOCK_LINES lines are split in that many processes. Either way,
    a bad line stops the command with its line number after the lines before it are written.
    """
    if jobs == 1:
        _split_block(1, source, out.write)
        return
    import multiprocessing

    with multiprocessing.Pool(jobs) as pool:
        for text, error in pool.imap(_split_block_or_error, _blocks(source)):
            out.write(text)
            if error is not None:
                raise click.ClickException(error)


def _blocks(source: Iterable[bytes]) -> Iterator[tuple[int, list[bytes]]]:
    """(number of the first line, lines) for each run of BLOCK_LINES lines of `source`."""
    block: list[bytes] = []
    first = 1
    for number, raw in enumerate(source, start=1):
        block.append(raw)
        if len(block) == BLOCK_LINES:
            yield first, block
            block, first = [], number + 1
    if block:
        yield first, block


def _split_block_or_error(block: tuple[int, list[bytes]]) -> tuple[str, str | None]:
    """What `_split_block` writes for a block, and the message of the error that stopped it."""
    written: list[str] = []
    try:
        _split_block(*block, written.append)
    except click.ClickException as error:
        return "".join(written), error.message
    return "".join(written), None


def _split_block(first: int, lines: Iterable[bytes], write: Callable[[str], object]) -> None:
    """Split JSON `lines`, numbered from `first`; pass each output line to `write` as soon as it
    is made, so that a bad line stops the command after the good ones before it."""
    from factcheck.extract import split_offsets

    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    for number, raw in enumerate(lines, start=first):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise click.ClickException(f"line {number}: not a JSON object ({error})") from None
        if not isinstance(item, dict) or not isinstance(text := item.get("text"), str):
            raise click.ClickException(f'line {number}: expected {{"id": ..., "text": "..."}}')
        # What encode({"id": ..., "claims": [{"start": ..., "end": ..., "text": ...}]}) writes,
        # formatted directly: a third faster than building and encoding the dictionaries.
        claims = ", ".join(
            [f'{{"start": {start}, "end": {end}, "text": {_quote(text[start:end])}}}' for start, end in split_offsets(text)]
        )
        write(f'{{"id": {encode(item.get("id"))}, "claims": [{claims}]}}\n')


def _write_lines(out: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    out.writelines(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
