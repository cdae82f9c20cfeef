"""One batch of JSON lines {"id", "text"} split into claims: the loop `factcheck split --batch`
runs, in this process or in each forked worker (factcheck/extract/parallel.py runs the processes).

Compiled with the splitter (factcheck/extract/native.py), since per short document the JSON in and out
costs nearly as much as splitting it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from json.decoder import JSONDecoder

# A str as JSON, as json.dumps(ensure_ascii=False) writes it.
from json.encoder import encode_basestring as _quote

from factcheck.extract.segment import split_offsets

# Output lines are handed to `write` this many at a time: one call per line costs more than
# the formatting of a short document's claims.
LINES_PER_WRITE = 256
# Half of a UTF-16 surrogate pair, which a JSON escape such as "\ud800" can carry: not text that
# UTF-8 (the splitter's input, the command's output) can hold.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
NOT_UNICODE = "not valid Unicode (a lone surrogate, \\ud800 to \\udfff)"


def split_lines(lines: Iterable[bytes], first_number: int, write: Callable[[str], object]) -> str | None:
    """Write the output line {"id", "claims"} of each of `lines` (numbered from `first_number`);
    stop at a bad line and return its error message (None when all were good). The lines before
    a bad line, or before an unexpected error, are written first."""
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    # The C scanner behind json.loads (not in the type stubs): (value, end) for a str from an index.
    scan: Callable[[str, int], tuple[object, int]] = JSONDecoder().scan_once  # type: ignore[attr-defined]
    pending: list[str] = []
    number = first_number - 1
    try:
        for raw in lines:
            number += 1
            item: object = None
            # The usual line, an object in UTF-8 ("{" then not a NUL, which json.loads would
            # read as UTF-16): parsed by the scanner json.loads ends in, without its Python
            # layers. Anything else, or anything the scanner refuses, goes to json.loads itself,
            # so every line parses, or fails with its message, exactly as json.loads has it.
            if raw[:1] == b"{" and raw[1:2] != b"\x00":
                try:
                    decoded = raw.decode("utf-8", "surrogatepass")
                    item, end = scan(decoded, 0)
                    if decoded[end:].strip(" \t\n\r"):
                        item = None
                except (StopIteration, ValueError, RecursionError):
                    item = None
            if item is None:
                if not raw.strip():
                    continue
                try:
                    item = json.loads(raw)
                # ValueError: also a number of more than 4,300 digits; RecursionError: nesting.
                except (ValueError, RecursionError) as error:
                    return f"line {number}: not a JSON object ({error})"
            if not isinstance(item, dict) or not isinstance(text := item.get("text"), str):
                return f'line {number}: expected {{"id": ..., "text": "..."}}'
            if not text.isascii() and _SURROGATE.search(text):  # sentencex takes UTF-8
                return f"line {number}: the text is {NOT_UNICODE}"
            # What encode({"id": ..., "claims": [{"start": ..., "end": ..., "text": ...}]})
            # writes, formatted directly: a quarter faster than building and encoding dicts.
            claims = ", ".join(
                [
                    f'{{"start": {start}, "end": {end}, "text": {_quote(text[start:end])}}}'
                    for start, end in split_offsets(text)
                ]
            )
            identifier = item.get("id")
            # The encoder's own output for the usual ids (an int's repr, a quoted str), without
            # its call.
            if type(identifier) is int:
                encoded = int.__repr__(identifier)
            elif type(identifier) is str:
                encoded = _quote(identifier)
            else:
                encoded = encode(identifier)
            if not encoded.isascii() and _SURROGATE.search(encoded):
                return f"line {number}: the id is {NOT_UNICODE}"
            pending.append(f'{{"id": {encoded}, "claims": [{claims}]}}\n')
            if len(pending) >= LINES_PER_WRITE:
                write("".join(pending))
                pending.clear()
    finally:
        if pending:
            write("".join(pending))
    return None
