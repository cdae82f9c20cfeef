"""Changing the claims ticked in the review page's list at once: a status, "not check-worthy",
dismissal, or an assignee. All of them change, or none: each claim meets the checks a change to it
alone would (who may change it, the workflow's rules), and the first refusal stops the lot."""

from __future__ import annotations

from sqlmodel import Session, col, select

from factcheck.domain.assignments import assign
from factcheck.domain.permissions import check_access, check_review_rules
from factcheck.domain.scales import get_scale, ratings_for_scale
from factcheck.domain.shaping import dismiss_claim, set_worth_checking
from factcheck.domain.workflow import is_editor, parse_status, save_review
from factcheck.errors import Forbidden, InvalidInput
from factcheck.forms import is_digits
from factcheck.models import Article, Claim, User

BULK_ACTIONS = {
    "status": "Set the status of",
    "not_worthy": "Marked not check-worthy:",
    "dismiss": "Dismissed",
    "assign": "Assigned",
}


def bulk_change(session: Session, article: Article, claim_ids: list[int], action: str, value: str, user: User) -> str:
    """Apply `action` (a key of BULK_ACTIONS; `value` is the status, or the reviewer's id) to these
    claims of the article; returns what was done, in a line. Raises on the first claim refused."""
    if action not in BULK_ACTIONS:
        raise InvalidInput("Choose what to do with the claims ticked.")
    claims = list(
        session.exec(
            select(Claim).where(Claim.article_id == article.id, col(Claim.id).in_(claim_ids)).order_by(Claim.position)
        ).all()
    )
    if not claims:
        raise InvalidInput("Tick the claims to change first.")
    if len(claims) != len(set(claim_ids)):
        raise InvalidInput("Some of the claims ticked are not in this article any more: reload the page.")
    if action == "assign":
        if not is_editor(user):
            raise Forbidden("Only editors and admins assign claims.")
        check_access(session, user, "assignments.create", {"article_id": article.id})
    for claim in claims:
        if action != "assign":
            check_access(session, user, "claims.update", {"claim_id": claim.id})
        check_review_rules(session, user, "claims.update", {"claim_id": claim.id})
    numbers = ", ".join(str(c.position + 1) for c in claims)
    count = f"{len(claims)} claim{'s' if len(claims) != 1 else ''}"
    if action == "status":
        status = parse_status(value)
        ratings = ratings_for_scale(session, article.rating_scale_id)
        free_text = get_scale(session, article.rating_scale_id).free_text
        for claim in claims:
            save_review(
                session, claim, ratings, verdict_id=claim.verdict_id, rationale=claim.rationale, status=status.value,
                user=user, free_text=free_text,
            )
        return f"Set {count} to “{status.label}” ({numbers})."
    if action == "not_worthy":
        for claim in claims:
            set_worth_checking(session, claim, False, user_id=user.id)
        return f"Marked {count} not check-worthy ({numbers})."
    if action == "dismiss":
        for claim in claims:
            dismiss_claim(session, claim, user_id=user.id)
        return f"Dismissed {count} ({numbers}): they are not claims."
    reviewer_id = int(value) if is_digits(value) else None
    for claim in claims:
        assignment = assign(session, article, reviewer_id, claim.id, user)
    return f"Assigned {count} ({numbers}) to {session.get(User, assignment.reviewer_id).name}."
