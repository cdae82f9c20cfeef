"""The dashboard's figures: signed-off verdicts by label, verdicts by outlet, and reviews over time.

Everything is counted in SQL (GROUP BY), never by loading claims: six queries at most, whatever the
database holds, each answering a few rows per label, outlet or day. The charts themselves are
drawn by factcheck.report.charts (pure); `dashboard_charts` hands them the figures.

What is counted:

- **verdicts**: claims approved or published (SIGNED_OFF_STATUSES), not dismissed, with a verdict,
  by label. Several rating scales share labels, so labels are merged regardless of case ("Mostly
  True" and "Mostly true") and come in the default scale's order (all its labels, zeros too),
  then the other scales' labels in use, in their scales' order; a verdict written on a free-text
  scale counts as WRITTEN_CONCLUSION;
- **by outlet**: the same claims by their article's outlet, the TOP_OUTLETS with the most and the
  rest summed as OTHER_OUTLETS;
- **reviews over time**: verdicts given or changed per day (ClaimRevision rows for the verdict or
  conclusion, as factcheck.domain.claims.update_claim records them; a cleared verdict counts too),
  days in UTC, over the chosen period, by default the DEFAULT_DAYS up to today.

The filters: `from` and `to` (dates, inclusive) narrow all three to verdicts given in that period
(for the first two, the claim's current verdict, i.e. its latest verdict change); `outlet` to one
outlet's articles (exactly as stored, as search's outlet filter).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, not_, or_
from sqlmodel import Session, col, select

from factcheck.domain.claims import has_verdict_sql
from factcheck.domain.scales import DEFAULT_SCALE_NAME
from factcheck.errors import InvalidInput
from factcheck.forms import parse_date
from factcheck.models import Article, Claim, ClaimRevision, Rating, RatingScale
from factcheck.report import charts
from factcheck.vocabulary import ClaimStatus

#: The ClaimRevision fields that are a verdict being given (a label, or a free-text conclusion).
REVIEW_FIELDS = ("verdict", "conclusion")
#: Without dates, reviews over time shows this many days, up to today.
DEFAULT_DAYS = 90
#: The longest period the filters take: a chart of up to a hundred yearly columns.
MAX_YEARS = 100
TOP_OUTLETS = 12
NO_OUTLET = "No outlet given"
OTHER_OUTLETS = "Other outlets"
WRITTEN_CONCLUSION = "Written conclusion"
OUTLET_MAX_CHARS = 200


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is narrowed to: verdicts given from `start` to `end` (inclusive), one outlet."""

    start: dt.date | None = None
    end: dt.date | None = None
    outlet: str = ""

    @property
    def dated(self) -> bool:
        """Whether a period is chosen (else: all time, and the last DEFAULT_DAYS over time)."""
        return self.start is not None or self.end is not None


def parse_filters(start: str = "", end: str = "", outlet: str = "") -> DashboardFilters:
    """The filters from the dashboard's form; InvalidInput (a message to show) for dates that are
    not YYYY-MM-DD, a start after the end, or a period over MAX_YEARS."""
    if any(not value.isprintable() for value in (start, end, outlet)):
        raise InvalidInput("A filter cannot hold control characters.")
    first = parse_date(start, "From")
    last = parse_date(end, "To")
    if first and last and first > last:
        raise InvalidInput(f"From ({first.isoformat()}) is after To ({last.isoformat()}): swap them.")
    if first and last and (last - first).days > MAX_YEARS * 366:
        raise InvalidInput(f"Choose a period of at most {MAX_YEARS} years.")
    return DashboardFilters(first, last, outlet.strip()[:OUTLET_MAX_CHARS])


@dataclass
class Dashboard:
    """The figures of one dashboard page: counts only, ready for the charts and their tables."""

    filters: DashboardFilters
    #: (label, signed-off claims), in scale order.
    verdicts: list[tuple[str, int]] = field(default_factory=list)
    #: label -> its place from worst (0) to best (1) on its scale, None for neutral (charts.scale_tones).
    tones: dict[str, float | None] = field(default_factory=dict)
    #: (outlet, [(label, claims)]), most first, OTHER_OUTLETS last when there are more.
    outlets: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)
    #: The period reviews over time covers, and its days with any verdict given: (day, count).
    period: tuple[dt.date, dt.date] = (dt.date.min, dt.date.min)
    reviews: list[tuple[dt.date, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Signed-off verdicts counted."""
        return sum(count for _, count in self.verdicts)

    @property
    def labels(self) -> list[str]:
        """The labels with any verdict, in scale order: the columns of the outlet table."""
        return [label for label, count in self.verdicts if count]

    def outlet_table(self) -> list[tuple[str, list[int], int]]:
        """The outlet chart's numbers: each outlet with its count per label of `labels`, and its total."""
        return [
            (name, [dict(counts).get(label, 0) for label in self.labels], sum(count for _, count in counts))
            for name, counts in self.outlets
        ]

    def review_buckets(self) -> tuple[str, list[tuple[dt.date, int]]]:
        """Reviews over time as the chart counts them: its unit and (first day, count) per column."""
        return charts.time_buckets(self.reviews, *self.period)


def dashboard(session: Session, filters: DashboardFilters, today: dt.date) -> Dashboard:
    """Count the dashboard's figures (at most six queries, whatever is stored)."""
    board = Dashboard(filters)
    by_verdict = session.exec(
        _signed_off(select(Claim.verdict_id, func.count()), filters).group_by(Claim.verdict_id)
    ).all()
    if by_verdict:
        names, board.verdicts, board.tones = _labels(session, dict(by_verdict))
        board.outlets = _by_outlet(session, filters, names)
    end = filters.end or max(today, filters.start or today)
    start = filters.start or end - dt.timedelta(days=min(DEFAULT_DAYS - 1, (end - dt.date.min).days))
    board.period = (start, end)
    board.reviews = _reviews(session, filters, start, end)
    return board


@dataclass(frozen=True)
class DashboardCharts:
    """The dashboard's three charts, as SVG documents (factcheck.report.charts)."""

    verdicts: str
    outlets: str
    reviews: str


def dashboard_charts(board: Dashboard) -> DashboardCharts:
    """Draw the dashboard's charts from its figures, titled with what they cover."""
    where = f" ({board.filters.outlet})" if board.filters.outlet else ""
    given = f"given {_period_words(board.filters.start, board.filters.end)}" if board.filters.dated else "all time"
    start, end = board.period
    return DashboardCharts(
        verdicts=charts.verdict_distribution(board.verdicts, title=f"Signed-off verdicts, {given}{where}",
                                             tones=board.tones),
        outlets=charts.verdicts_by_group(board.outlets, board.labels, title=f"Signed-off verdicts by outlet, {given}",
                                         tones=board.tones, limit=TOP_OUTLETS, other=OTHER_OUTLETS),
        reviews=charts.reviews_over_time(
            board.reviews, title=f"Verdicts given or changed, {_period_words(start, end)}{where}", start=start, end=end
        ),
    )


def _period_words(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{start.isoformat()} to {end.isoformat()}"
    if start:
        return f"since {start.isoformat()}"
    return f"up to {end.isoformat()}" if end else "all time"


# --- The queries ---------------------------------------------------------------------------------


def _signed_off(query: Any, filters: DashboardFilters) -> Any:
    """`query` (on Claim) narrowed to the signed-off, not dismissed claims with a verdict the filters keep."""
    query = query.where(
        col(Claim.status).in_([status for status in ClaimStatus if status.signed_off]),
        not_(col(Claim.dismissed)),
        has_verdict_sql(),
    )
    if filters.outlet:
        query = query.where(
            col(Claim.article_id).in_(select(Article.id).where(Article.outlet == filters.outlet))
        )
    if filters.dated:
        # The claim's current verdict is its latest verdict change (one index lookup per claim).
        given = (
            select(func.max(ClaimRevision.changed))
            .where(ClaimRevision.claim_id == Claim.id, col(ClaimRevision.field).in_(REVIEW_FIELDS))
            .scalar_subquery()
        )
        if filters.start:
            query = query.where(given >= _first_moment(filters.start))
        if filters.end:
            query = query.where(given <= _last_moment(filters.end))
    return query


def _labels(
    session: Session, counts: dict[int | None, int]
) -> tuple[dict[int | None, str], list[tuple[str, int]], dict[str, float | None]]:
    """Label names by verdict id, the counts by label in scale order, and each label's tone: from
    the ratings of the default scale and of the scales whose labels were counted (one query)."""
    used = [verdict_id for verdict_id in counts if verdict_id is not None]
    in_use = select(Rating.scale_id).where(col(Rating.id).in_(used))
    rows = session.exec(
        select(Rating, RatingScale.name)
        .join(RatingScale, col(RatingScale.id) == Rating.scale_id)
        .where(or_(col(Rating.scale_id).in_(in_use), RatingScale.name == DEFAULT_SCALE_NAME))
    ).all()
    by_scale: dict[int, list[Rating]] = {}
    default_id = None
    for rating, scale_name in rows:
        by_scale.setdefault(rating.scale_id, []).append(rating)
        if scale_name == DEFAULT_SCALE_NAME:
            default_id = rating.scale_id
    names: dict[int | None, str] = {None: WRITTEN_CONCLUSION}
    order: dict[str, str] = {}  # folded label -> the label shown, first seen in scale order
    tones: dict[str, float | None] = {}
    totals: dict[str, int] = {}
    for scale_id in sorted(by_scale, key=lambda scale_id: (scale_id != default_id, scale_id)):
        ratings = sorted(by_scale[scale_id], key=lambda rating: rating.position)
        scale_tones = charts.scale_tones(
            {"label": r.label, "value": r.value, "best": r.is_best, "worst": r.is_worst} for r in ratings
        )
        for rating in ratings:
            shown = order.setdefault(rating.label.casefold(), rating.label)
            names[rating.id] = shown
            tones.setdefault(shown, scale_tones[rating.label])
            if rating.id in counts or scale_id == default_id:
                totals[shown] = totals.get(shown, 0) + counts.get(rating.id, 0)
    if counts.get(None):
        totals[WRITTEN_CONCLUSION] = counts[None]
        tones[WRITTEN_CONCLUSION] = None
    shown_in_order = list(dict.fromkeys([*order.values(), WRITTEN_CONCLUSION]))
    verdicts = [(label, totals[label]) for label in shown_in_order if label in totals]
    return names, verdicts, tones


def _by_outlet(
    session: Session, filters: DashboardFilters, names: dict[int | None, str]
) -> list[tuple[str, list[tuple[str, int]]]]:
    """The outlets with the most signed-off verdicts and their verdicts by label, then the rest summed
    (three queries: the top outlets, their counts by verdict, everyone else's)."""
    outlet = col(Article.outlet)
    on_article = col(Article.id) == Claim.article_id
    top = session.exec(
        _signed_off(select(outlet, func.count()).select_from(Claim).join(Article, on_article), filters)
        .group_by(outlet)
        .order_by(func.count().desc(), outlet)
        .limit(TOP_OUTLETS)
    ).all()
    top_names = [name for name, _ in top]
    groups: dict[str, dict[str, int]] = {name: {} for name in top_names}
    counted = session.exec(
        _signed_off(select(outlet, Claim.verdict_id, func.count()).select_from(Claim).join(Article, on_article), filters)
        .where(outlet.in_(top_names))
        .group_by(outlet, Claim.verdict_id)
    ).all()
    rest = session.exec(
        _signed_off(select(Claim.verdict_id, func.count()).join(Article, on_article), filters)
        .where(outlet.not_in(top_names))
        .group_by(Claim.verdict_id)
    ).all()
    for name, verdict_id, count in counted:
        _add(groups[name], names.get(verdict_id, WRITTEN_CONCLUSION), count)
    other: dict[str, int] = {}
    for verdict_id, count in rest:
        _add(other, names.get(verdict_id, WRITTEN_CONCLUSION), count)
    shown = [(name or NO_OUTLET, _in_order(groups[name], names)) for name in top_names]
    return shown + ([(OTHER_OUTLETS, _in_order(other, names))] if other else [])


def _add(counts: dict[str, int], label: str, count: int) -> None:
    counts[label] = counts.get(label, 0) + count


def _in_order(counts: dict[str, int], names: dict[int | None, str]) -> list[tuple[str, int]]:
    order = list(dict.fromkeys([*names.values(), *counts]))
    return [(label, counts[label]) for label in order if label in counts]


def _reviews(session: Session, filters: DashboardFilters, start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """Verdicts given or changed per day (UTC) from `start` to `end`: one row per day with any (one query)."""
    day = day_of(session, col(ClaimRevision.changed))
    query = select(day, func.count()).where(
        col(ClaimRevision.field).in_(REVIEW_FIELDS),
        ClaimRevision.changed >= _first_moment(start),
        ClaimRevision.changed <= _last_moment(end),
    )
    if filters.outlet:
        query = query.where(
            col(ClaimRevision.claim_id).in_(
                select(Claim.id).join(Article, col(Article.id) == Claim.article_id).where(Article.outlet == filters.outlet)
            )
        )
    rows = session.exec(query.group_by(day).order_by(day)).all()
    # SQLite's day is text, PostgreSQL's a date.
    return [(value if isinstance(value, dt.date) else dt.date.fromisoformat(value), count) for value, count in rows]


def day_of(session: Session, moment: ColumnElement) -> ColumnElement:
    """A stored UTC time's day, in SQL: SQLite keeps times as ISO text, so its first ten characters
    (as factcheck.domain.blind reads months); PostgreSQL's, in UTC whatever the server's zone."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(moment, 1, 10)
    return func.date(func.timezone("UTC", moment))


def _first_moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _last_moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
