"""Turning article text into claims: pure functions, no Flask."""

from factcheck.extract.header import Header, parse_header
from factcheck.extract.segment import ClaimSpan, split_claims, split_offsets

__all__ = ["ClaimSpan", "Header", "parse_header", "split_claims", "split_offsets"]
