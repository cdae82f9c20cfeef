"""The `factcheck` console script (and `python -m factcheck`).

`factcheck split ...` runs without Flask or the database (factcheck/extract/): a plain
`split --batch` without even click (extract/parallel.py), any other `split` through its click
command (extract/command.py). Every other command, `factcheck --help` included, goes to the
Flask command group in factcheck/cli.py.
"""

import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:2] == ["split"]:
        from factcheck.extract.parallel import run_batch_command

        if run_batch_command(sys.argv[2:]):  # `split --batch`, without even click
            return
        from factcheck.extract.command import split_command

        split_command(sys.argv[2:], prog_name="factcheck split")
        return
    from factcheck.cli import run

    run()


if __name__ == "__main__":
    main()
