"""One batch of JSON lines {"id", "text"} split into claims: the loop `factcheck split --batch`
runs, in this process or in each forked worker (factcheck/split_batch.py runs the processes).

Compiled with the splitter (factcheck/_native.py), since per short document the JSON in and out
costs as much as splitting it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

# A str as JSON, as json.dumps(ensure_ascii=False) writes it.
from json.encoder import encode_basestring as _quote

from factcheck.extract.segment import split_offsets


def split_lines(lines: Iterable[bytes], first_number: int, write: Callable[[str], object]) -> str | None:
    """Write the output line {"id", "claims"} of each of `lines` (numbered from `first_number`);
    stop at a bad line and return its error message (None when all were good)."""
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    loads = json.loads
    number = first_number - 1
    for raw in lines:
        number += 1
        if not raw.strip():
            continue
        try:
            item = loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return f"line {number}: not a JSON object ({error})"
        if not isinstance(item, dict) or not isinstance(text := item.get("text"), str):
            return f'line {number}: expected {{"id": ..., "text": "..."}}'
        # What encode({"id": ..., "claims": [{"start": ..., "end": ..., "text": ...}]}) writes,
        # formatted directly: a quarter faster than building and encoding the dictionaries.
        claims = ", ".join(
            [
                f'{{"start": {start}, "end": {end}, "text": {_quote(text[start:end])}}}'
                for start, end in split_offsets(text)
            ]
        )
        identifier = item.get("id")
        # The encoder's own output for the usual ids (an int's repr, a quoted str), without its call.
        if type(identifier) is int:
            encoded = int.__repr__(identifier)
        elif type(identifier) is str:
            encoded = _quote(identifier)
        else:
            encoded = encode(identifier)
        write(f'{{"id": {encoded}, "claims": [{claims}]}}\n')
    return None
