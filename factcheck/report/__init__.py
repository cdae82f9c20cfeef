"""Report writers: pure functions from plain data (an article record, counts) to text: Markdown, JSON, SVG charts."""

from factcheck.report.markdown import report_markdown
from factcheck.report.record import export_filename, record_json

__all__ = ["export_filename", "record_json", "report_markdown"]
