"""What happened to a claim: the team's comments, the corrections, and the timeline its history page shows."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from factcheck.domain.claims import claim_history, rows_by_claim
from factcheck.errors import InvalidInput
from factcheck.models import Claim, ClaimRevision, Comment, Correction, User
from factcheck.vocabulary import ClaimStatus

COMMENT_MAX_CHARS = 5_000
NOBODY = "command line or import"
_TOKEN = re.compile(r"\s+|[^\s]+")


def add_comment(session: Session, claim: Claim, user: User | None, body: str) -> Comment:
    """Store a comment on a claim for the team."""
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise InvalidInput("The comment is empty: write something for the team.")
    if len(body) > COMMENT_MAX_CHARS:
        raise InvalidInput(f"The comment is {len(body):,} characters; the limit is {COMMENT_MAX_CHARS:,}.")
    comment = Comment(claim_id=claim.id, user_id=user.id if user else None, body=body)
    session.add(comment)
    return comment


def comments_for_claims(session: Session, claim_ids: Iterable[int]) -> dict[int, list[Comment]]:
    """Comments grouped by claim id, oldest first (one query)."""
    return rows_by_claim(session, Comment, claim_ids)


def comment_threads(session: Session, claim_ids: Iterable[int]) -> dict[int, list[tuple[Comment, str]]]:
    """Comments with their authors' names, grouped by claim id, oldest first (two queries)."""
    comments = comments_for_claims(session, claim_ids)
    names = user_names(session, [c.user_id for thread in comments.values() for c in thread])
    return {
        claim_id: [(c, names.get(c.user_id, NOBODY) if c.user_id else NOBODY) for c in thread]
        for claim_id, thread in comments.items()
    }


def corrections_for_claims(session: Session, claim_ids: Iterable[int]) -> dict[int, list[Correction]]:
    """Corrections grouped by claim id, oldest first (one query)."""
    return rows_by_claim(session, Correction, claim_ids)


@dataclass(frozen=True)
class Signoff:
    """Who gave a claim its verdict and who approved it, and when it was approved and published:
    the methodology record names them, and ClaimReview dates the review by its publication."""

    reviewer: str | None = None
    approver: str | None = None
    approved: dt.date | None = None
    published: dt.date | None = None


def signoffs_for_claims(session: Session, claim_ids: Iterable[int]) -> dict[int, Signoff]:
    """Each claim's latest verdict author, approver and approval and publication dates, from its
    history (two queries; an import or the CLI records no one, so those stay None)."""
    ids = list(set(claim_ids))
    if not ids:
        return {}
    latest = (
        select(ClaimRevision.claim_id, ClaimRevision.field, ClaimRevision.after, func.max(ClaimRevision.id).label("last"))
        .where(
            col(ClaimRevision.claim_id).in_(ids),
            or_(
                col(ClaimRevision.field).in_(("verdict", "conclusion")),
                (ClaimRevision.field == "status")
                & col(ClaimRevision.after).in_((ClaimStatus.APPROVED.value, ClaimStatus.PUBLISHED.value)),
            ),
        )
        .group_by(ClaimRevision.claim_id, ClaimRevision.field, ClaimRevision.after)
    ).subquery()
    rows = session.exec(
        select(ClaimRevision.claim_id, ClaimRevision.field, ClaimRevision.after, ClaimRevision.user_id, ClaimRevision.changed)
        .join(latest, col(latest.c.last) == ClaimRevision.id)
        .order_by(ClaimRevision.id)
    ).all()
    names = user_names(session, [row[3] for row in rows])
    found: dict[int, dict[str, object]] = {}
    for claim_id, field_name, after, user_id, changed in rows:
        mine = found.setdefault(claim_id, {})
        who = names.get(user_id) if user_id is not None else None
        if field_name in ("verdict", "conclusion"):
            mine["reviewer"] = who  # rows come oldest first: the last verdict change wins
        elif after == ClaimStatus.APPROVED.value:
            mine["approver"], mine["approved"] = who, changed.date()
        else:
            mine["published"] = changed.date()
    return {claim_id: Signoff(**values) for claim_id, values in found.items()}  # type: ignore[arg-type]


def user_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names by user id (one query)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}


def rationale_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A word-level diff as (op, text) pieces, op one of "equal", "insert", "delete" (text unescaped)."""
    old, new = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    pieces: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(old[a1:a2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(old[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(new[b1:b2])))
    return pieces


@dataclass
class HistoryEntry:
    """One line of a claim's history page: a change, a correction or a comment."""

    when: dt.datetime
    who: str
    kind: str  # change | correction | comment
    what: str
    before: str | None = None
    after: str | None = None
    diff: list[tuple[str, str]] | None = None
    reason: str = ""
    extra: dict[str, str | None] = field(default_factory=dict)


def claim_timeline(session: Session, claim: Claim) -> list[HistoryEntry]:
    """Every change, correction and comment of a claim, oldest first, with who made it."""
    revisions = claim_history(session, claim.id)
    corrections = corrections_for_claims(session, [claim.id]).get(claim.id, [])
    comments = comments_for_claims(session, [claim.id]).get(claim.id, [])
    names = user_names(session, [r.user_id for r in revisions] + [c.user_id for c in corrections + comments])

    def who(user_id: int | None) -> str:
        return names.get(user_id, "a removed user") if user_id is not None else NOBODY

    entries: list[tuple[tuple, HistoryEntry]] = []
    for revision in revisions:
        entry = HistoryEntry(revision.changed, who(revision.user_id), "change", revision.field.replace("_", " "))
        if revision.field == "rationale":
            entry.diff = rationale_diff(revision.before or "", revision.after or "")
        elif revision.field == "status":
            entry.before, entry.after = _status_label(revision.before), _status_label(revision.after)
        else:
            entry.before, entry.after = revision.before, revision.after
        entries.append(((_utc(revision.changed), 1, revision.id), entry))
    for correction in corrections:
        entry = HistoryEntry(
            correction.created,
            who(correction.user_id),
            "correction",
            "correction",
            reason=correction.reason,
            extra={
                "old_verdict": correction.old_verdict,
                "old_status": correction.old_status.label,
                "old_rationale": correction.old_rationale,
            },
        )
        entries.append(((_utc(correction.created), 0, correction.id), entry))
    for comment in comments:
        entry = HistoryEntry(comment.created, who(comment.user_id), "comment", "comment", after=comment.body)
        entries.append(((_utc(comment.created), 2, comment.id), entry))
    return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _status_label(value: str | None) -> str | None:
    if value is None:
        return None
    if value == "done":  # recorded before second review existed
        return "Done"
    try:
        return ClaimStatus(value).label
    except ValueError:
        return value
