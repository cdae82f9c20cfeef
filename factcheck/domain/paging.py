"""Pages of a list: every list page shows one page of its rows, counted and cut in SQL."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, literal_column
from sqlmodel import Session, select

from factcheck.forms import is_digits

Row = TypeVar("Row")


@dataclass
class Page(Generic[Row]):
    """One page of a list: its rows, which page it is (1-based) and how many there are."""

    rows: list[Row]
    number: int
    pages: int
    total: int  # rows on every page
    offset: int = 0  # how many rows come before this page's first


def page_number(value: str | None) -> int:
    """A `page` query argument as a page number: 1 for anything that is not a positive number."""
    value = (value or "").strip()
    return max(1, int(value)) if is_digits(value) else 1


def count(session: Session, query: Any) -> int:
    """How many rows a query gives (one query, reading none of their columns)."""
    rows = query.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)
    return session.exec(select(func.count()).select_from(rows.subquery())).one()


def page_of(session: Session, query: Any, number: int, per_page: int) -> Page:
    """Page `number` of an ordered query (past the last page: the last), in two queries."""
    total = count(session, query)
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, number), pages)
    offset = (number - 1) * per_page
    rows = list(session.exec(query.offset(offset).limit(per_page)).all())
    return Page(rows, number, pages, total, offset)
