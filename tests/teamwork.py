"""Helpers for the assignment and blind review tests: users by name, assigning through the forms."""

from __future__ import annotations

from sqlmodel import Session, select

from factcheck.models import Assignment, User
from tests.conftest import post


def user_id(db: Session, username: str) -> int:
    """The id of the user with this username."""
    return db.exec(select(User.id).where(User.username == username)).one()


def assign(client, article_id: int, reviewer_id: int, claim_id: int | None = None, *, htmx: bool = False):
    """Assign through the review page's form (the whole article, or one claim)."""
    data = {"reviewer_id": str(reviewer_id)}
    if claim_id is not None:
        data["claim_id"] = str(claim_id)
    return post(client, f"/articles/{article_id}/assignments", data, htmx=htmx)


def assignments_of(db: Session, article_id: int) -> list[Assignment]:
    """The article's assignments, oldest first."""
    db.expire_all()
    return list(db.exec(select(Assignment).where(Assignment.article_id == article_id).order_by(Assignment.id)).all())
