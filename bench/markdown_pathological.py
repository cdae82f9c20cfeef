"""Time render_markdown on pathological Markdown against plain markdown.markdown() on the same input.

Run it from the repository root:

    .venv/bin/python bench/markdown_pathological.py [--skip-plain]

Prints one row per input: its length; render_markdown's best wall-clock time of three runs and the
most CPU time any of them used; plain markdown.markdown()'s best wall-clock time; and the ratio of
the two wall-clock times (render / plain). Exits 1 if render_markdown's best wall-clock time or
worst CPU time is over a second. (Not its worst wall-clock time: on a shared machine that measures
the neighbours; the CPU time is the work render_markdown did.) Plain Python-Markdown takes minutes
in all on these inputs (over two on
"[" alone); --skip-plain leaves it out. Plain markdown.markdown() has no extensions: on the table
and fence inputs it writes a paragraph where render_markdown builds tables and code blocks, so
those ratios compare different work.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import NamedTuple

import markdown
import nh3

from factcheck.rendering import RATIONALE_MAX_CHARS, render_markdown

LIMIT_SECONDS = 1.0
REPEATS = 3


def _nested_lines(prefix: str, line: str) -> str:
    """Lines each nested one level deeper than the one before, as long as fits the rationale cap."""
    lines: list[str] = []
    depth = 0
    while sum(map(len, lines)) + len(lines) + len(prefix * depth + line) <= RATIONALE_MAX_CHARS:
        lines.append(prefix * depth + line)
        depth += 1
    return "\n".join(lines)


def _fit(unit: str, tail: str = "", head: str = "") -> str:
    """``head``, then ``unit`` repeated as often as fits the rationale cap, then ``tail``."""
    return head + unit * ((RATIONALE_MAX_CHARS - len(head) - len(tail)) // len(unit)) + tail


CASES: dict[str, str] = {
    "8,000 [": "[" * 8000,
    "4,000 [ then 4,000 ]": "[" * 4000 + "]" * 4000,
    "[ to the cap": _fit("["),
    "[a][ repeated": _fit("[a]["),
    "![ repeated": _fit("!["),
    "[a]( repeated": _fit("[a]("),
    "[a]( repeated, one )": _fit("[a](", ")"),
    "[a](< repeated": _fit("[a](<"),
    '[a](b " repeated': _fit('[a](b "'),
    "![a]( repeated": _fit("![a]("),
    "[a](b) links": _fit("[a](http://b)"),
    "'- ' x 1000": "- " * 1000 + "x",
    "'* ' x 1000": "* " * 1000 + "x",
    "'1. ' x 1000": "1. " * 1000 + "x",
    "'- > ' x 1000": "- > " * 1000 + "x",
    "nested lists, 4 spaces": _nested_lines("    ", "- item"),
    "nested lists, tabs": _nested_lines("\t", "- item"),
    "nested ordered, tabs": _nested_lines("\t", "1. item"),
    "> x 5000": ">" * 5000 + " x",
    "'> ' x 5000": "> " * 5000 + "x",
    "quote lines, deepening": _nested_lines(">", " x"),
    "* to the cap": _fit("*"),
    "_ to the cap": _fit("_"),
    "*_ to the cap": _fit("*_"),
    "*a repeated": _fit("*a "),
    "**a repeated": _fit("**a "),
    "***a repeated": _fit("***a"),
    "*a_ repeated": _fit("*a_"),
    "` to the cap": _fit("`"),
    "`a repeated": _fit("`a"),
    "< to the cap": _fit("<"),
    "<a  repeated": _fit("<a "),
    "<http:// repeated": _fit("<http://"),
    "<a@ repeated": _fit("<a@"),
    "& to the cap": _fit("&"),
    "&# repeated": _fit("&#"),
    "\\ to the cap": _fit("\\"),
    "# to the cap": _fit("#"),
    "``` lines": _fit("```\n"),
    "\\``` repeated": _fit('\\```]("'),
    "~~~x lines (unclosed)": _fit("\n~~~x"),
    "#x lines (headings)": _fit("\n#x"),
    "x / - pairs (setext)": _fit("x\n-\n"),
    "x / === pairs (setext)": _fit("x\n===\n"),
    "- lines": _fit("\n-"),
    "table 5,000 columns": "|a" * 3300 + "\n" + "|-" * 3300 + "\n" + "|b" * 3300,
    "table rows": _fit("|a|b|\n", head="|a|b|\n|-|-|\n"),
    "[a]: definitions": _fit("[a]: "),
    "spaces then x": " " * (RATIONALE_MAX_CHARS - 1) + "x",
    "newlines": "\n" * RATIONALE_MAX_CHARS,
    "ordinary prose": _fit("A claim, *checked* against [a source](https://example.org/s). "),
}


class Timing(NamedTuple):
    """Runs of one render: the fastest wall-clock time, and the most CPU time any run used."""

    best_wall: float
    worst_cpu: float


def _time(render: Callable[[str], object], text: str, repeats: int) -> Timing:
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        render(text)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(min(walls), max(cpus))


def _plain(text: str) -> tuple[float | None, str]:
    """Plain markdown.markdown()'s best wall time (one run if it is slow), or the error it raised."""
    try:
        first = _time(markdown.markdown, text, 1).best_wall
        if first < LIMIT_SECONDS:
            first = min(first, _time(markdown.markdown, text, REPEATS - 1).best_wall)
        return first, ""
    except RecursionError:
        return None, "plain: RecursionError"


def main() -> int:
    """Print the table; return 1 if render_markdown took over LIMIT_SECONDS on any input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-plain", action="store_true", help="do not time plain markdown.markdown()")
    args = parser.parse_args()

    render_markdown("warm *up* [x](https://example.org)")
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(f"Python-Markdown {markdown.__version__}, nh3 {nh3.__version__}; load average {load} on {os.cpu_count()} CPUs")
    print(f"{'input':<26} {'chars':>6} {'render ms':>10} {'cpu ms':>8} {'plain ms':>10} {'ratio':>7}  note")
    slow = []
    for name, text in CASES.items():
        render = _time(render_markdown, text, REPEATS)
        plain, note = (None, "") if args.skip_plain else _plain(text)
        plain_ms = "-" if plain is None else f"{plain * 1000:.1f}"
        ratio = "-" if plain is None else f"{render.best_wall / plain:.2f}"
        if max(render) > LIMIT_SECONDS:
            slow.append(name)
            note = f"OVER {LIMIT_SECONDS:g} s {note}".strip()
        print(
            f"{name:<26} {len(text):>6} {render.best_wall * 1000:>10.1f} {render.worst_cpu * 1000:>8.1f}"
            f" {plain_ms:>10} {ratio:>7}  {note}",
            flush=True,
        )
    if slow:
        print(f"render_markdown took over {LIMIT_SECONDS:g} s on: {', '.join(slow)}", file=sys.stderr)
        return 1
    print(f"render_markdown stayed under {LIMIT_SECONDS:g} s on every input.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
