"""factcheck.extract.batch.split_lines: each JSON line read exactly as json.loads reads it."""

from __future__ import annotations

import codecs
import importlib.util
import json
from pathlib import Path

import pytest

from factcheck.extract import batch, split_offsets
from factcheck.extract.batch import LINES_PER_WRITE

batch_source = Path(__file__).parents[1] / "factcheck" / "extract" / "batch.py"


def _expected(lines: list[bytes]) -> tuple[list[str], str | None]:
    """What split_lines should write and return, built the slow way: json.loads and json.dumps."""
    out: list[str] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except (ValueError, RecursionError) as error:
            return out, f"line {number}: not a JSON object ({error})"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            return out, f'line {number}: expected {{"id": ..., "text": "..."}}'
        text = item["text"]
        for field, value in (("text", text), ("id", json.dumps(item.get("id"), ensure_ascii=False))):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return out, f"line {number}: the {field} is not valid Unicode (a lone surrogate, \\ud800 to \\udfff)"
        claims = [{"start": s, "end": e, "text": text[s:e]} for s, e in split_offsets(text)]
        out.append(json.dumps({"id": item.get("id"), "claims": claims}, ensure_ascii=False) + "\n")
    return out, None


@pytest.fixture(params=["installed", "source"])
def split_lines(request):
    """The module as installed (compiled under CI) and batch.py's source run by the interpreter,
    so that both are checked whichever one the suite imports."""
    if request.param == "installed":
        return batch.split_lines
    spec = importlib.util.spec_from_file_location("batch_from_source", batch_source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.split_lines


def _run(split_lines, lines: list[bytes]) -> tuple[str, str | None]:
    written: list[str] = []
    error = split_lines(lines, 1, written.append)
    return "".join(written), error


GOOD = '{"id": 1, "text": "Kyiv said so. Moscow denied it."}'


@pytest.mark.parametrize(
    "line",
    [
        GOOD.encode() + b"\n",
        GOOD.encode() + b"\r\n",
        GOOD.encode() + b" \t \n",
        b"  " + GOOD.encode() + b"\n",  # leading whitespace: json.loads skips it
        codecs.BOM_UTF8 + GOOD.encode() + b"\n",  # a BOM: json.loads decodes as utf-8-sig
        GOOD.encode("utf-16-le"),  # "{" then NUL: json.loads reads UTF-16
        '{"id": "é", "text": "Zelensky said “No.” Then he left."}\n'.encode(),
        b'{"id": 1, "text": "lone \\ud800 surrogate. Next."}\n',
        b'{"id": "lone \\udfff", "text": "A surrogate in the id. Next."}\n',
        b'{"id": 2, "text": "A headline \\ud800 here\\n\\nKyiv said so. Moscow denied it."}\n',
        b'{"id": 5%s, "text": "A number of more than 4,300 digits."}\n' % (b"0" * 5000),
        b'{"id": %s, "text": "Nested too deep."}\n' % (b"[" * 100_000 + b"]" * 100_000),
        b'{"text": "no id. Still split."}\n',
        b'{"id": [1, {"a": null}], "text": "A. B."}\n',
        b'{"id": 1, "text": "NaN is not JSON but json.loads takes it. Yes.", "n": NaN}\n',
        b'{"id": 1, "text": "first"} {"id": 2, "text": "second"}\n',  # extra data
        b'{"id": 1, "text": "x"} \x0b\n',  # whitespace json does not skip
        b'{"id": 1, "text": "unfinished\n',
        b'{"id": 1, "text": "bad \xff byte"}\n',
        b'{"id": 1, "text": 5}\n',
        b'{"id": 1}\n',
        b"[1, 2]\n",
        b"not json\n",
        b"{" * 5 + b"\n",
    ],
)
def test_a_line_reads_as_json_loads_reads_it(split_lines, line):
    lines = [GOOD.encode() + b"\n", line, b'{"id": 3, "text": "After. It."}\n']
    expected, error = _expected(lines)
    assert _run(split_lines, lines) == ("".join(expected), error)


def test_lines_are_written_in_runs_and_all_before_a_bad_line(split_lines):
    lines = [b'{"id": %d, "text": "One. Two."}\n' % n for n in range(LINES_PER_WRITE * 2 + 10)]
    lines[LINES_PER_WRITE + 5] = b"{oops\n"
    written: list[str] = []
    error = split_lines(lines, 1, written.append)
    assert error is not None and error.startswith(f"line {LINES_PER_WRITE + 6}: not a JSON object")
    assert len(written) == 2  # one full run, then what came before the bad line
    assert "".join(written).count("\n") == LINES_PER_WRITE + 5
    assert "".join(written) == "".join(_expected(lines[: LINES_PER_WRITE + 5])[0])


def test_lines_split_before_an_unexpected_error_are_written(split_lines):
    def lines():
        yield b'{"id": 1, "text": "One. Two."}\n'
        yield b'{"id": 2, "text": "Three."}\n'
        raise OSError("the disk went away")

    written: list[str] = []
    with pytest.raises(OSError, match="the disk went away"):
        split_lines(lines(), 1, written.append)
    assert [json.loads(line)["id"] for line in "".join(written).splitlines()] == [1, 2]
