"""Helpers for the publishing tests: an app with publishing settings, and claims taken to
"published" through the review forms, as a reviewer and an editor would."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlmodel import Session, col

from factcheck import create_app
from factcheck.domain.claims import get_claim, update_details
from factcheck.forms import ClaimDetails
from factcheck.models import Claim, ClaimRevision, Correction
from tests.conftest import DATA, FAST_HASHING, post

BASE_URL = "https://factcheck.example.org"
GOLDEN = DATA / "publishing"
#: The settings every publishing test runs with (the app fixture of its module takes them).
PUBLISHING = {
    "ORGANISATION_NAME": "Example Fact Desk",
    "ORGANISATION_URL": "https://desk.example.org/",
    "PUBLIC_BASE_URL": BASE_URL,
}
#: When the pinned history says the claims were reviewed, approved and published.
PINNED = dt.datetime(2025, 5, 2, 9, 30, tzinfo=dt.UTC)


def publishing_app(database_url: str, **config):
    """An app as conftest's `app`, with PUBLISHING (and `config`) on top."""
    return create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "FETCH_PRIVATE_ADDRESSES": True,
        **FAST_HASHING, **PUBLISHING, **config,
    })


@dataclass
class SourceInput:
    url: str
    title: str = ""
    publisher: str = ""
    quote: str = ""
    stance: str = "context"
    accessed: str = "2025-04-30"


@dataclass
class Check:
    """A review to publish: a verdict label (or a conclusion on a free-text scale), and its sources."""

    verdict: str
    rationale: str
    sources: list[SourceInput] = field(default_factory=lambda: [SourceInput("https://example.org/evidence")])
    conclusion: bool = False


def review(reviewer, db: Session, claim_id: int, check: Check, status: str = "needs_second_review", **extra: str):
    """Add the check's sources and save its verdict and rationale with `status`, as the reviewer."""
    for source in check.sources:
        response = post(reviewer, f"/claims/{claim_id}/sources", vars(source), htmx=True)
        assert response.status_code == 200, response.get_data(as_text=True)
    return save(reviewer, db, claim_id, check, status, **extra)


def save(client, db: Session, claim_id: int, check: Check, status: str, **extra: str):
    """Save the check's verdict and rationale with `status` (a form as the card sends it)."""
    verdict = {"conclusion": check.verdict, "verdict": ""} if check.conclusion else {"verdict": str(rating_id(db, claim_id, check.verdict))}
    response = post(client, f"/claims/{claim_id}", {**verdict, "rationale": check.rationale, "status": status, **extra}, htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def rating_id(db: Session, claim_id: int, label: str) -> int:
    """The id of `label` on the scale of the claim's article."""
    from factcheck.domain.articles import get_article
    from factcheck.domain.scales import ratings_for_scale

    db.expire_all()
    article = get_article(db, get_claim(db, claim_id).article_id)
    return next(r.id for r in ratings_for_scale(db, article.rating_scale_id) if r.label == label)


def publish(reviewer, editor, db: Session, claim_id: int, check: Check) -> None:
    """Review (the reviewer), approve and publish (the editor): the whole workflow, through the forms."""
    review(reviewer, db, claim_id, check)
    for status in ("approved", "published"):
        save(editor, db, claim_id, check, status)


def set_details(db: Session, claim_id: int, **details: object) -> None:
    """Set a claim's publishing details (claimant, claim_url, claim_date, summary) through the domain."""
    db.expire_all()
    claim = get_claim(db, claim_id)
    current = {name: getattr(claim, name) for name in ("claimant", "claim_url", "claim_date", "summary")}
    update_details(db, claim, ClaimDetails(**{**current, **details}))
    db.commit()


def pin_history(db: Session, when: dt.datetime = PINNED) -> None:
    """Move every recorded change and correction to `when`: the history's dates, and with them the
    ClaimReview's and the feed's, are then the same on every run."""
    db.execute(update(ClaimRevision).values(changed=when))
    db.execute(update(Correction).values(created=when))
    db.execute(update(Claim).where(col(Claim.published_at).is_not(None)).values(published_at=when))
    db.commit()


def assert_golden(name: str, text: str) -> None:
    """`text` is byte for byte the golden file; FACTCHECK_UPDATE_GOLDEN=1 writes it instead (then read the diff)."""
    path = GOLDEN / name
    if os.environ.get("FACTCHECK_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == path.read_bytes(), f"{path} differs (FACTCHECK_UPDATE_GOLDEN=1 rewrites it)"


# Reviews the tests publish (sources' access dates fixed, as everything the golden files show).
MOSTLY_FALSE = Check(
    "Mostly false",
    "Maps from two monitors show **12 km²** that week, not 21.\n\nSee [the monitor](https://example.org/monitor).",
    [SourceInput("https://example.org/monitor/2025-04-27", "Weekly front-line map", "Example Conflict Monitor",
                 "Gains of about 12 square kilometres this week.", "refutes", "2025-04-29")],
)
UNVERIFIABLE = Check(
    "Unverifiable",
    "No transcript of the briefing is published; the quote comes from one agency report.",
    [SourceInput("https://example.org/agency/lavrov-briefing", "Agency report of the briefing", "Example Agency", "", "context")],
)
HALF_TRUE = Check("Half true", "Moscow *declared* the region retaken; Kyiv disputed it.")
