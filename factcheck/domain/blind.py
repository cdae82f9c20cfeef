"""Blind double review: two assigned reviewers give verdicts unseen, an editor settles them.

A blind verdict is a BlindVerdict row, never the claim itself, so nothing that shows a claim
(the page, its fragments, history, report, export) can show one. Only two places read these
rows: the blind form on the review page, which loads the signed-in reviewer's own verdicts and
no one else's, and the editors' settle page. While a claim is unsettled its blind reviewers may
not write to the claim (verdict, rationale, status, sources, shape, comments, check-worthiness):
factcheck.domain.permissions refuses those routes on the server, so the first to answer cannot leak their
verdict into the claim or its thread. An editor who is one of an article's blind reviewers does
not see its settle page, nor settle it, until every claim they review blind is settled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, select

from factcheck.domain import changes
from factcheck.domain.agreement import AgreementTables, BlindRating, LabelCount, tables_from_counts
from factcheck.domain.assignments import is_assigned
from factcheck.domain.changes import BLIND, article_scope
from factcheck.domain.claims import claims_for_article, rows_by_claim, update_claim
from factcheck.domain.paging import Page, page_of
from factcheck.domain.scales import ratings_for_scale
from factcheck.domain.workflow import claim_version
from factcheck.errors import Conflict, InvalidInput
from factcheck.models import AgreementCount, Article, Assignment, BlindVerdict, Claim, Rating, RatingScale, User, utcnow
from factcheck.rendering import RATIONALE_MAX_CHARS
from factcheck.vocabulary import ClaimStatus

OWN_BLIND_ARTICLE = "You are one of this article's blind reviewers: another editor compares and settles it."


class SignedOff(Conflict):
    """Settling a claim already approved or published: it needs a correction first."""


def article_assignee_count(session: Session, article_id: int) -> int:
    """How many people are assigned the whole article."""
    query = select(func.count(func.distinct(Assignment.reviewer_id))).where(
        Assignment.article_id == article_id, col(Assignment.claim_id).is_(None)
    )
    return session.exec(query).one()


def set_blind_review(session: Session, article: Article, on: bool) -> None:
    """Switch blind double review on (needs a scale with labels and two people assigned the article) or off."""
    scale = session.get(RatingScale, article.rating_scale_id)
    if on and scale is not None and scale.free_text:
        # A blind verdict is a label: a free-text conclusion has none to compare or settle.
        raise InvalidInput(
            f"This article is rated on “{scale.name}”, a free-text scale (conclusion only): blind review "
            "needs a scale with labels. Change the article's rating scale first."
        )
    if on and article_assignee_count(session, article.id) < 2:
        raise InvalidInput("Blind double review needs two people assigned the whole article: assign a second one first.")
    article.blind_review = on
    session.add(article)


def verdicts_for_claims(session: Session, claim_ids: list[int]) -> dict[int, list[BlindVerdict]]:
    """Every blind verdict on these claims, by claim, oldest first. For editors' eyes only."""
    return rows_by_claim(session, BlindVerdict, claim_ids, BlindVerdict.given, BlindVerdict.id)


def own_verdicts(session: Session, user: User, article_id: int) -> dict[int, BlindVerdict]:
    """The user's own blind verdicts on an article's claims, by claim id."""
    query = select(BlindVerdict).where(BlindVerdict.article_id == article_id, BlindVerdict.reviewer_id == user.id)
    return {v.claim_id: v for v in session.exec(query).all()}


def settled_claim_ids(session: Session, article_id: int) -> set[int]:
    """Claims of the article whose blind verdicts an editor has settled."""
    query = select(BlindVerdict.claim_id).where(
        BlindVerdict.article_id == article_id, col(BlindVerdict.settled).is_not(None)
    )
    return set(session.exec(query).all())


def settled_among(session: Session, claim_ids: list[int]) -> set[int]:
    """Which of these claims an editor has settled (one query)."""
    if not claim_ids:
        return set()
    query = select(BlindVerdict.claim_id).where(col(BlindVerdict.claim_id).in_(claim_ids), col(BlindVerdict.settled).is_not(None))
    return set(session.exec(query).all())


def is_blind_reviewer(session: Session, user: User, claim: Claim) -> bool:
    """True if the claim is under blind review, unsettled, and assigned to this user."""
    article = session.get(Article, claim.article_id)
    if article is None or not article.blind_review:
        return False
    if claim.id in settled_claim_ids(session, article.id):
        return False
    return is_assigned(session, user, {"claim_id": claim.id})


def reviews_blind(session: Session, user: User, article: Article) -> bool:
    """True if the user still has a claim of the article to review blind: unsettled and not dismissed.

    A dismissed claim is left out: it is never on the settle page, so it is never settled.
    """
    mine = blind_view(session, user, article).mine
    if not mine:
        return False
    return any(c.id in mine and not c.dismissed for c in claims_for_article(session, article.id))


def give_verdict(session: Session, claim: Claim, user: User, verdict_id: int | None, rationale: str) -> BlindVerdict:
    """Store (or replace) the user's own blind verdict on a claim they review blind (else Conflict)."""
    if not is_blind_reviewer(session, user, claim):
        # Not a question of role (the permission table settled that) but of the claim's state.
        raise Conflict("You are not reviewing this claim blind: blind review is off, or it is settled already.")
    article = session.get(Article, claim.article_id)
    allowed = {r.id for r in ratings_for_scale(session, article.rating_scale_id)}
    if verdict_id not in allowed:
        raise InvalidInput("Pick a verdict on this article's rating scale.")
    rationale = rationale.replace("\r\n", "\n")
    if len(rationale) > RATIONALE_MAX_CHARS:
        raise InvalidInput(f"The rationale is {len(rationale):,} characters; the limit is {RATIONALE_MAX_CHARS:,}.")
    verdicts = verdicts_for_claims(session, [claim.id])[claim.id]
    verdict = next((v for v in verdicts if v.reviewer_id == user.id), None)
    if verdict is None:
        verdict = BlindVerdict(claim_id=claim.id, article_id=claim.article_id, reviewer_id=user.id, verdict_id=verdict_id)
    verdict.verdict_id = verdict_id
    verdict.rationale = rationale
    verdict.given = utcnow()
    session.add(verdict)
    session.flush()
    # Agreement is counted when the claim is settled (`settle`), not now: counted now, the
    # agreement page would tell an editor who is one of the blind reviewers the other's label.
    return verdict


def _pairs_of(verdict: BlindVerdict, others: list[BlindVerdict]) -> list[tuple[str, str, int, int]]:
    """The agreement counts a verdict adds, paired with each other reviewer's verdict on the claim:
    (grouping, group key, first label, second label) by pair, article and month, the lower reviewer
    id's label first (AgreementCount)."""
    found = []
    for other in others:
        first, second = sorted((verdict, other), key=lambda v: v.reviewer_id)
        labels = (first.verdict_id, second.verdict_id)
        month = max(v.given.replace(tzinfo=None) for v in (first, second)).strftime("%Y-%m")  # both UTC
        found += [
            ("pair", f"{first.reviewer_id}-{second.reviewer_id}", *labels),
            ("article", str(verdict.article_id), *labels),
            ("month", month, *labels),
        ]
    return found


def _count_pairs(session: Session, counts: Counter[tuple[str, str, int, int]]) -> None:
    """Add these changes to the agreement counts (one upsert; in a fixed order, so two writers
    never wait on each other's rows in opposite orders)."""
    rows = [
        {"grouping": grouping, "group_key": key, "first_label_id": first, "second_label_id": second, "n": change}
        for (grouping, key, first, second), change in sorted(counts.items())
        if change
    ]
    # On the connection: give_verdict has locked the article's and the blind stamps already.
    key = ["grouping", "group_key", "first_label_id", "second_label_id"]
    changes.add_counts(session.connection(), AgreementCount.__table__, rows, key=key, counter="n")


def settle_with(session: Session, claim: Claim, blind_verdict_id: int | None, editor: User) -> None:
    """Settle the claim with the blind verdict of this id, which the editor chose on the board."""
    chosen = session.get(BlindVerdict, blind_verdict_id) if blind_verdict_id is not None else None
    if chosen is None:
        raise InvalidInput("Choose one of the two verdicts.")
    settle(session, claim, chosen, editor)


def settle(session: Session, claim: Claim, chosen: BlindVerdict, editor: User) -> None:
    """Write the chosen blind verdict and its rationale to the claim as a recorded change, and
    count the claim's pairs of blind verdicts into the agreement figures."""
    # Two editors settling the same claim at once: the stamps first, so the second waits for the
    # first's commit and then finds the claim settled (and its pairs are counted once).
    changes.lock(session, [article_scope(claim.article_id), BLIND])
    verdicts = verdicts_for_claims(session, [claim.id])[claim.id]
    if any(v.settled for v in verdicts):
        raise InvalidInput(f"Claim {claim.position + 1} is already settled.")
    if claim.status.signed_off:
        # Settling would overwrite a signed-off verdict without the correction's reason and record.
        raise SignedOff(
            f"Claim {claim.position + 1} is {claim.status.label.lower()}: reopen it with a correction first "
            "(on its card, with a reason), then settle it."
        )
    if chosen.claim_id != claim.id:
        raise InvalidInput("That verdict is not one given on this claim.")
    article = session.get(Article, claim.article_id)
    # The claim changes under any card open on it: its next save there is an edit conflict.
    claim_version(session, claim, claim.version)
    update_claim(
        session,
        claim,
        ratings_for_scale(session, article.rating_scale_id),
        verdict_id=chosen.verdict_id,
        rationale=chosen.rationale,
        status=ClaimStatus.NEEDS_SECOND_REVIEW.value,
        user_id=editor.id,
    )
    # The verdict is the blind reviewer's: anyone else (the settling editor too) may approve it.
    claim.submitted_by_id = chosen.reviewer_id
    now = utcnow()
    for verdict in verdicts:
        verdict.settled = now
        verdict.chosen = verdict.id == chosen.id
        session.add(verdict)
    session.flush()
    counts: Counter[tuple[str, str, int, int]] = Counter()
    for number, verdict in enumerate(verdicts):
        counts.update(_pairs_of(verdict, verdicts[number + 1 :]))
    _count_pairs(session, counts)


def awaits_settling(session: Session, claim: Claim) -> bool:
    """True while the claim is in a blind review nobody has settled: its article's blind review is
    on, someone is assigned to it, and an editor has not settled it. Its verdict then comes from
    settling alone, or the blind reviewers would see another's verdict on the claim."""
    article = session.get(Article, claim.article_id)
    if article is None or not article.blind_review or claim.dismissed:
        return False
    if claim.id in settled_among(session, [claim.id]):
        return False
    assigned = select(Assignment.id).where(
        Assignment.article_id == claim.article_id,
        or_(Assignment.claim_id == claim.id, col(Assignment.claim_id).is_(None)),
    )
    return session.exec(assigned.limit(1)).first() is not None


@dataclass
class SettleBoard:
    """An article's blind verdicts sorted for the editor: what to settle, what agrees, what waits."""

    disagreements: list[tuple[Claim, list[BlindVerdict]]] = field(default_factory=list)
    agreements: list[tuple[Claim, list[BlindVerdict]]] = field(default_factory=list)
    waiting: list[tuple[Claim, list[BlindVerdict]]] = field(default_factory=list)
    settled: list[tuple[Claim, list[BlindVerdict]]] = field(default_factory=list)


def settle_board(session: Session, article: Article) -> SettleBoard:
    """Sort the article's claims by where their blind review stands."""
    claims = [c for c in claims_for_article(session, article.id) if not c.dismissed]
    verdicts = verdicts_for_claims(session, [c.id for c in claims])
    board = SettleBoard()
    for claim in claims:
        given = verdicts.get(claim.id, [])
        if any(v.settled for v in given):
            board.settled.append((claim, given))
        elif len(given) < 2:
            board.waiting.append((claim, given))
        elif len({v.verdict_id for v in given}) == 1:
            board.agreements.append((claim, given))
        else:
            board.disagreements.append((claim, given))
    return board


@dataclass(frozen=True)
class OffScaleLabel:
    """A label a blind verdict uses that the article's scale no longer has (its scale was changed)."""

    label: str


def board_labels(session: Session, article: Article, board: SettleBoard) -> dict[int, Rating | OffScaleLabel]:
    """Every label the board's verdicts use, by id: the article's scale, and any from a scale it left."""
    labels: dict[int, Rating | OffScaleLabel] = {r.id: r for r in ratings_for_scale(session, article.rating_scale_id)}
    groups = (board.disagreements, board.agreements, board.waiting, board.settled)
    missing = {v.verdict_id for group in groups for _, given in group for v in given} - set(labels)
    if missing:
        for rating in session.exec(select(Rating).where(col(Rating.id).in_(missing))).all():
            labels[rating.id] = OffScaleLabel(f"{rating.label} (not on this article's scale any more)")
    return labels


def accept_agreements(session: Session, article: Article, editor: User) -> tuple[int, int]:
    """Settle every claim whose blind reviewers agree, with the first answer's rationale.

    Claims already approved or published are skipped (they need a correction first). Returns
    (settled, skipped); raises InvalidInput if a verdict is no longer on the article's scale.
    """
    board = settle_board(session, article)
    settled = skipped = 0
    for claim, given in board.agreements:
        if claim.status.signed_off:
            skipped += 1
            continue
        chosen = next((v for v in given if v.rationale.strip()), given[0])
        settle(session, claim, chosen, editor)
        settled += 1
    return settled, skipped


def blind_label_counts(session: Session, by: str, article_ids: list[int] | None = None) -> list[LabelCount]:
    """Every two reviewers' blind verdicts on the same claims, counted afresh in SQL by the two labels
    and `by`: "pair" (of reviewers), "month" (of the later verdict) or "article" (of these articles
    only); what the kept AgreementCount rows must always say (tests check they do)."""
    first, second = aliased(BlindVerdict), aliased(BlindVerdict)
    if by == "pair":
        group: tuple[Any, ...] = (first.reviewer_id, second.reviewer_id)
    elif by == "month":
        group = (_month(session, case((first.given >= second.given, first.given), else_=second.given)),)
    else:
        group = (first.article_id,)
    labels = (first.verdict_id, second.verdict_id)
    query = (
        select(*group, *labels, func.count())
        .select_from(first)
        .join(second, and_(second.claim_id == first.claim_id, first.reviewer_id < second.reviewer_id))
        .where(col(first.settled).is_not(None))  # only settled claims count (see give_verdict)
        .group_by(*group, *labels)
    )
    if by == "article":
        if not article_ids:
            return []
        query = query.where(col(first.article_id).in_(article_ids))
    return [LabelCount(tuple(row[:2]) if by == "pair" else row[0], *row[-3:]) for row in session.exec(query)]


#: Articles on one page of the agreement page's article table.
AGREEMENT_ARTICLES_PER_PAGE = 50


def agreement_page(session: Session, page: int) -> tuple[AgreementTables, Page[Article]]:
    """The agreement page: kappa per reviewer pair and per month, and per article for a page of
    the articles with pairs of blind verdicts, from the counts kept up to date as verdicts are given
    (five queries, reading a few rows per group however many verdicts are stored)."""
    counted = select(AgreementCount).where(AgreementCount.n > 0)
    with_pairs = counted.where(AgreementCount.grouping == "article").with_only_columns(
        cast(AgreementCount.group_key, Integer)
    )
    query = select(Article).options(defer(Article.text)).where(col(Article.id).in_(with_pairs)).order_by(Article.id)
    articles = page_of(session, query, page, AGREEMENT_ARTICLES_PER_PAGE)
    shown = [str(a.id) for a in articles.rows]

    def counts(grouping: str, keys: list[str] | None = None) -> list[LabelCount]:
        rows = counted.where(AgreementCount.grouping == grouping)
        if keys is not None:
            rows = rows.where(col(AgreementCount.group_key).in_(keys))
        return [
            LabelCount(_group_of(grouping, c.group_key), c.first_label_id, c.second_label_id, c.n)
            for c in session.exec(rows)
        ]

    tables = tables_from_counts(counts("pair"), counts("article", shown), counts("month"))
    return tables, articles


def _group_of(grouping: str, key: str) -> Hashable:
    """An AgreementCount's group key as the tables key it: (first, second) reviewer ids, an
    article id, or the month."""
    if grouping == "pair":
        first, _, second = key.partition("-")
        return (int(first), int(second))
    return int(key) if grouping == "article" else key


def _month(session: Session, moment: ColumnElement) -> ColumnElement[str]:
    """A stored UTC time's month as YYYY-MM, in SQL: SQLite keeps times as ISO text, so its first
    seven characters (much cheaper than strftime over many rows)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(moment, 1, 7)
    return func.to_char(func.timezone("UTC", moment), "YYYY-MM")  # in UTC, whatever the server's zone


def blind_ratings(session: Session) -> list[BlindRating]:
    """Every blind verdict on a settled claim, as the pure agreement functions take them (tests
    check the SQL counts of blind_label_counts against them)."""
    rows = session.exec(select(BlindVerdict).where(col(BlindVerdict.settled).is_not(None))).all()
    return [BlindRating(v.claim_id, v.article_id, v.reviewer_id, v.verdict_id, v.given) for v in rows]


@dataclass
class BlindView:
    """The signed-in user's blind review of one article: which claims are theirs, their verdicts."""

    on: bool = False
    mine: set[int] = field(default_factory=set)  # claims assigned to this user (blind ones, unsettled)
    verdicts: dict[int, BlindVerdict] = field(default_factory=dict)  # this user's own, by claim

    def covers(self, claim: Claim) -> bool:
        """True if this user reviews the claim blind (the blind form replaces the usual one)."""
        return self.on and claim.id in self.mine


def blind_view(session: Session, user: User | None, article: Article) -> BlindView:
    """The user's BlindView of the article: which claims they review blind, and their own verdicts."""
    if user is None or not article.blind_review:
        return BlindView()
    rows = session.exec(
        select(Assignment.claim_id).where(Assignment.article_id == article.id, Assignment.reviewer_id == user.id)
    ).all()
    if not rows:
        return BlindView(on=True)
    claim_ids = {c.id for c in claims_for_article(session, article.id)} if None in rows else set(rows)
    mine = claim_ids - settled_claim_ids(session, article.id)
    return BlindView(on=True, mine=mine, verdicts=own_verdicts(session, user, article.id))
