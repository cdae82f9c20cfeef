"""The export formats by name, as `factcheck export --format` offers them: how each writes one
article, and a collection (`--all`). A new format is one entry in EXPORT_FORMATS."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from factcheck.report.csv_export import claims_csv, claims_csv_chunks
from factcheck.report.markdown import report_markdown
from factcheck.report.record import record_json

Record = dict[str, Any]


@dataclass(frozen=True)
class ExportFormat:
    """How a format is written. `article` gives one article's file (its name: the download name,
    factcheck.report.export_filename, with `extension`). A collection is one such file per
    article, unless the format has `collection`: then it is the single file `collection_file`,
    written in the pieces `collection` yields from the records as they come."""

    extension: str
    article: Callable[[Record], bytes]
    collection_file: str | None = None
    collection: Callable[[Iterable[Record]], Iterable[bytes]] | None = None

    def __post_init__(self) -> None:
        if (self.collection is None) != (self.collection_file is None):
            raise ValueError("a collection writer needs its file name, and a file name its writer")


def _markdown(record: Record) -> bytes:
    return report_markdown(record).encode("utf-8")


def _json(record: Record) -> bytes:
    return record_json(record).encode("utf-8")


#: name -> format, in the order `--help` lists them; the first is the default.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "md": ExportFormat("md", _markdown),
    "json": ExportFormat("json", _json),
    "csv": ExportFormat("csv", claims_csv, collection_file="claims.csv", collection=claims_csv_chunks),
}
