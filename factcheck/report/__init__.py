"""Report writers: pure functions from an article record (see factcheck.domain.records) to text."""

from factcheck.report.markdown import report_markdown
from factcheck.report.record import export_filename, record_json

__all__ = ["export_filename", "record_json", "report_markdown"]
