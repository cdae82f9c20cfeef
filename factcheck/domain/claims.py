"""Claims and their sources: the named queries and writes the review page, exports and imports share.

Every write leaves committing to the caller's one transaction (a request's unit of work, or the
CLI's), so one reviewer action is stored whole or not at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, SQLModel, col, select

from factcheck.errors import InvalidInput, NotFound
from factcheck.extract.checkworthy import assess
from factcheck.forms import CLAIMANT_MAX_CHARS, CONCLUSION_MAX_CHARS, ClaimDetails, SourceCreate
from factcheck.models import Article, Claim, ClaimRevision, Rating, Source, utcnow
from factcheck.rendering import RATIONALE_MAX_CHARS
from factcheck.vocabulary import ClaimKind, ClaimStatus

#: A table model with a claim_id column.
RowT = TypeVar("RowT", bound=SQLModel)


def get_claim(session: Session, claim_id: int) -> Claim:
    """The claim, or NotFound naming the missing id."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"There is no claim {claim_id}. It may have been deleted.")
    return claim


def claim_of(session: Session, article: Article, claim_id: int | None) -> Claim | None:
    """The article's claim with this id, or None if there is none (any more)."""
    claim = session.get(Claim, claim_id) if claim_id is not None else None
    return claim if claim is not None and claim.article_id == article.id else None


def get_source(session: Session, claim: Claim, source_id: int) -> Source:
    """One of the claim's sources, or NotFound."""
    source = session.get(Source, source_id)
    if source is None or source.claim_id != claim.id:
        raise NotFound(f"Claim {claim.id} has no source {source_id}.")
    return source


def parse_status(value: str) -> ClaimStatus:
    """The ClaimStatus named, or InvalidInput."""
    try:
        return ClaimStatus(value)
    except ValueError:
        raise InvalidInput(f"Unknown status {value!r}.") from None


def has_verdict(claim: Claim) -> bool:
    """Whether the claim is reviewed: a label picked, or a conclusion written on a free-text scale."""
    return claim.verdict_id is not None or bool(claim.conclusion)


def has_verdict_sql() -> ColumnElement[bool]:
    """has_verdict as SQL."""
    return or_(col(Claim.verdict_id).is_not(None), col(Claim.conclusion) != "")


#: Speakers the check-worthiness reasons find that do not name anyone.
_NOT_A_CLAIMANT = frozenset({"he", "she", "they", "it", "we", "i", "you", "officials", "sources"})


def score_claim(claim: Claim) -> None:
    """Set the claim's check-worthiness, kind and the reasons its card shows, from its text; a
    named speaker ("Foreign Minister Lavrov said") becomes the claimant if none is set."""
    assessment = assess(claim.text)
    claim.checkworthiness = assessment.score
    claim.kind = ClaimKind(assessment.kind)
    claim.signals = json.dumps(assessment.signals(), ensure_ascii=False, sort_keys=True)
    speaker = assessment.speaker
    if not claim.claimant and speaker and speaker[0].isupper() and speaker.casefold() not in _NOT_A_CLAIMANT:
        claim.claimant = speaker[:CLAIMANT_MAX_CHARS]


def claims_for_article(
    session: Session, article_id: int, status: str | None = None, verdict_id: int | None = None
) -> list[Claim]:
    """The article's claims in text order, optionally only one status or one verdict (0: none yet)."""
    query = select(Claim).where(Claim.article_id == article_id)
    if status:
        query = query.where(Claim.status == status)
    if verdict_id == 0:
        query = query.where(col(Claim.verdict_id).is_(None))
    elif verdict_id is not None:
        query = query.where(Claim.verdict_id == verdict_id)
    return list(session.exec(query.order_by(Claim.position)).all())


def rows_by_claim(session: Session, model: type[RowT], claim_ids: Iterable[int], *order: Any) -> dict[int, list[RowT]]:
    """Rows of a table with a `claim_id` (sources, comments, ...) grouped by claim id, in `order`
    (default: by id, the order they were added); one query."""
    grouped: dict[int, list[RowT]] = defaultdict(list)
    ids = list(claim_ids)
    if ids:
        query = select(model).where(col(model.claim_id).in_(ids)).order_by(*(order or (model.id,)))
        for row in session.exec(query).all():
            grouped[row.claim_id].append(row)
    return grouped


def sources_for_claims(session: Session, claim_ids: Iterable[int]) -> dict[int, list[Source]]:
    """Sources grouped by claim id, in the order they were added (one query)."""
    return rows_by_claim(session, Source, claim_ids)


def claim_history(session: Session, claim_id: int) -> list[ClaimRevision]:
    """Every recorded change to a claim, oldest first."""
    return list(
        session.exec(select(ClaimRevision).where(ClaimRevision.claim_id == claim_id).order_by(ClaimRevision.id)).all()
    )


def update_claim(
    session: Session,
    claim: Claim,
    ratings: Sequence[Rating],
    *,
    verdict_id: int | None,
    rationale: str,
    status: str,
    conclusion: str | None = None,
    free_text: bool = False,
    user_id: int | None = None,
) -> list[ClaimRevision]:
    """Apply a verdict (a label, or a conclusion on a free-text scale), rationale and status;
    record a revision for each change, made by `user_id`.

    `conclusion` None leaves the conclusion as it is. No workflow rules here (the CLI and
    imports use it): reviewers' saves go through factcheck.domain.workflow.save_review, which checks
    them and the claim's version first.
    """
    by_id = {r.id: r for r in ratings}
    if verdict_id is not None and verdict_id not in by_id:
        raise InvalidInput("That verdict is not on this article's rating scale.")
    if conclusion is not None:
        conclusion = " ".join(conclusion.split())
        if conclusion and not free_text:
            raise InvalidInput("This article's rating scale has labels: pick one instead of writing a conclusion.")
        if len(conclusion) > CONCLUSION_MAX_CHARS:
            raise InvalidInput(
                f"The conclusion is {len(conclusion):,} characters; keep it to one line of at most {CONCLUSION_MAX_CHARS}."
            )
    new_status = parse_status(status)
    rationale = rationale.replace("\r\n", "\n")
    if len(rationale) > RATIONALE_MAX_CHARS:
        raise InvalidInput(
            f"The rationale is {len(rationale):,} characters; the limit is {RATIONALE_MAX_CHARS:,}."
        )

    def label(rating_id: int | None) -> str | None:
        return by_id[rating_id].label if rating_id in by_id else None

    changes = []
    if verdict_id != claim.verdict_id:
        changes.append(("verdict", label(claim.verdict_id), label(verdict_id)))
        claim.verdict_id = verdict_id
    if conclusion is not None and conclusion != claim.conclusion:
        changes.append(("conclusion", claim.conclusion or None, conclusion or None))
        claim.conclusion = conclusion
    if rationale != claim.rationale:
        changes.append(("rationale", claim.rationale, rationale))
        claim.rationale = rationale
    if new_status != claim.status:
        changes.append(("status", claim.status.value, new_status.value))
        claim.status = new_status
    return record_changes(session, claim, changes, user_id)


#: The claim details a reviewer edits on the card, as history names them.
DETAIL_FIELDS = ("claimant", "claim_url", "claim_date", "summary")


def update_details(session: Session, claim: Claim, submitted: ClaimDetails, user_id: int | None = None) -> list[ClaimRevision]:
    """Set the claim's publishing details (claimant, where and when said, summary), recording each
    change in its history. Details are not part of the verdict: no workflow rule applies."""
    changes = []
    for name in DETAIL_FIELDS:
        before, after = getattr(claim, name), getattr(submitted, name)
        if before != after:
            changes.append((name, _detail_text(before), _detail_text(after)))
            setattr(claim, name, after)
    return record_changes(session, claim, changes, user_id)


def _detail_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def new_source(claim: Claim, submitted: SourceCreate) -> Source:
    """The Source row for a validated source of a claim (not yet added to a session)."""
    return Source(
        claim_id=claim.id,
        url=submitted.url,
        title=submitted.title,
        publisher=submitted.publisher,
        quote=submitted.quote.replace("\r\n", "\n").strip(),
        stance=submitted.stance,
        accessed=submitted.accessed or utcnow().date(),
    )


def add_source(session: Session, claim: Claim, submitted: SourceCreate, user_id: int | None = None) -> Source:
    """Attach a validated source to a claim and record it in the claim's history; a source the
    claim already cites (the same address, a trailing slash aside) is refused, naming it."""
    wanted = submitted.url.rstrip("/")
    for cited in sources_for_claims(session, [claim.id]).get(claim.id, []):
        if cited.url.rstrip("/") == wanted:
            name = f"“{cited.title}”, " if cited.title else ""
            raise InvalidInput(
                f"Source not added: claim {claim.position + 1} already cites {cited.url} "
                f"({name}{cited.stance.value}, accessed {cited.accessed.isoformat()})."
            )
    source = new_source(claim, submitted)
    session.add(source)
    record_changes(session, claim, [("source_added", None, _describe(source))], user_id)
    return source


def remove_source(session: Session, claim: Claim, source: Source, user_id: int | None = None) -> None:
    """Detach a source from its claim, keeping what it was in the claim's history.

    Refused while the claim is approved or published: its sources are part of what was signed
    off, so taking one away is a correction (reopen the claim first).
    """
    if claim.status.signed_off:
        raise InvalidInput(
            f"Claim {claim.position + 1} is {claim.status.label.lower()}: reopen it with a correction "
            "(change its status, giving a reason) before you remove a source."
        )
    record_changes(session, claim, [("source_removed", _describe(source), None)], user_id)
    session.delete(source)


def _describe(source: Source) -> str:
    return f"{source.url} ({source.stance.value})" + (f" — {source.title}" if source.title else "")


def record_changes(
    session: Session, claim: Claim, changes: list[tuple[str, str | None, str | None]], user_id: int | None = None
) -> list[ClaimRevision]:
    """Record changes to a claim in its history: (field, before, after) each, by `user_id`."""
    now = utcnow()
    revisions = [
        ClaimRevision(claim_id=claim.id, field=f, before=b, after=a, changed=now, user_id=user_id)
        for f, b, a in changes
    ]
    if revisions:
        claim.updated = now
        session.add(claim)
        session.add_all(revisions)
    return revisions


