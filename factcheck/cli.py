"""The `factcheck` console script: `factcheck split` on its own, every other command through Flask.

`factcheck split --batch` runs without click (factcheck/split_batch.py), and any other
`factcheck split ...` by a plain click command (factcheck/split_cli.py), without importing
Flask, SQLModel or the app, which would be most of its start-up time; anything else, including
`factcheck --help` and `factcheck --app ... split`, goes to the Flask command group in
factcheck/commands.py, where `split` is registered too.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing it is a few ms of `factcheck split`'s start-up
if TYPE_CHECKING:
    from typing import Any


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:2] == ["split"]:
        from factcheck.split_batch import run_batch_command

        if run_batch_command(sys.argv[2:]):  # `split --batch`, without even click
            return
        from factcheck.split_cli import split_command

        split_command(sys.argv[2:], prog_name="factcheck split")
        return
    from factcheck.commands import cli

    cli(prog_name="factcheck")


def __getattr__(name: str) -> Any:
    # `from factcheck.cli import cli` keeps working; the group (and Flask) load on first use.
    if name == "cli":
        from factcheck.commands import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
