"""Turning article text into claims: pure functions, no Flask and no database.

header.py reads a leading headline, date line, byline and dateline; segment.py cuts the body into
claims, exact spans of the text; checkworthy.py scores them. `factcheck split` lives here too
(command.py, and parallel.py, its click-free path for `--batch`), so that the command starts
without loading the web app. header, segment and batch are compiled with mypyc when the package
is installed (scripts/build_native.py); native.py, installed first, makes imports use that build
while it matches the source.
"""

from factcheck.extract import native

native.install()  # before the modules it may load from the compiled build

from factcheck.extract.header import Header, parse_header  # noqa: E402
from factcheck.extract.segment import ClaimSpan, split_claims, split_offsets  # noqa: E402

__all__ = ["ClaimSpan", "Header", "parse_header", "split_claims", "split_offsets"]
