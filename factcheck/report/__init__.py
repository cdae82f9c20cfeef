"""Report writers: pure functions from an article record (see factcheck.records) to text."""

from factcheck.report.markdown import report_markdown

__all__ = ["report_markdown"]
