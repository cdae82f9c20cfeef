"""Which articles a bulk export writes (`factcheck export --all`): all of them, or those published
between two days, from an outlet, with a tag."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from factcheck.errors import InvalidInput
from factcheck.forms import parse_tags
from factcheck.models import Article, ArticleTag


def export_selection(
    session: Session,
    *,
    published_from: dt.date | None = None,
    published_to: dt.date | None = None,
    outlet: str = "",
    tag: str = "",
) -> list[int]:
    """The ids of the articles to export, in id order (one query): published from `published_from`
    to `published_to` (both days included; an article without a publication date counts the day
    it was added), from `outlet` (any case), with `tag` (as tags are typed: "Ukraine" is
    `ukraine`). Archived articles are exported too. InvalidInput for dates the wrong way round or
    a tag that is not one tag."""
    if published_from is not None and published_to is not None and published_from > published_to:
        raise InvalidInput(
            f"The dates are the wrong way round: {published_from.isoformat()} is after {published_to.isoformat()}."
        )
    query = select(Article.id).order_by(col(Article.id))
    undated = col(Article.published).is_(None)
    if published_from is not None:
        # `created` is a time (UTC): an undated article added on the first day counts from midnight.
        first = dt.datetime.combine(published_from, dt.time(), dt.UTC)
        query = query.where(or_(col(Article.published) >= published_from, undated & (col(Article.created) >= first)))
    if published_to is not None:
        after = dt.datetime.combine(published_to + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(or_(col(Article.published) <= published_to, undated & (col(Article.created) < after)))
    outlet = " ".join(outlet.split())
    if outlet:
        query = query.where(func.lower(Article.outlet) == outlet.lower())
    if tag:
        tags = parse_tags(tag)
        if len(tags) != 1:
            raise InvalidInput(f"Give one tag: {tag!r} is {'no tag' if not tags else f'{len(tags)} tags'}.")
        query = query.where(
            col(Article.id).in_(select(ArticleTag.article_id).where(ArticleTag.tag == tags[0]))
        )
    return list(session.exec(query).all())
