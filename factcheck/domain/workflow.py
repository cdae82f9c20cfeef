"""The review workflow: saving a review without overwriting anyone, approval, corrections, approval rules.

Plain functions on a Session (no Flask), for the views, the CLI and the tests. The rules:

- a claim goes to review → in progress → needs second review → approved → published;
- reviewers move it up to "needs second review"; only editors and admins approve and publish;
- approval comes from someone other than the person who sent the claim to second review, needs
  a verdict, and needs at least `Rating.min_sources` sources for that verdict;
- publishing needs an approved claim;
- changing the verdict or rationale of an approved or published claim, or moving it back, is a
  correction: editors only, with a reason; the old verdict, rationale and status are kept in a
  Correction row. A corrected verdict goes back to second review;
- every save names the claim version it was made on; a save on an older version is an
  EditConflict, and the version check is one conditional UPDATE, so two saves made on the same
  version can never both succeed.

Committing is left to the caller: one reviewer action, one transaction.
"""


from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from factcheck.domain.claims import has_verdict, parse_status, update_claim
from factcheck.errors import Conflict, Forbidden, InvalidInput
from factcheck.forms import is_digits
from factcheck.models import Claim, ClaimRevision, Correction, Rating, RatingScale, Source, User
from factcheck.vocabulary import EDITOR_ROLES, ClaimStatus

REASON_MAX_CHARS = 2_000
MIN_SOURCES_LIMIT = 20


class EditConflict(Conflict):
    """A save made on a version of the claim that is no longer the stored one."""

    def __init__(self, claim_id: int, submitted_version: int | None) -> None:
        super().__init__(
            "This claim changed since you opened it (someone saved, split or merged it): "
            "reload the page to see it as it is now."
        )
        self.claim_id = claim_id
        self.submitted_version = submitted_version


def seen_digest(rationale: str) -> str:
    """A short fingerprint of a rationale as a form showed it, so a save can say whether the
    reviewer changed it (the form carries this, not a second copy of the text)."""
    return hashlib.sha256(rationale.replace("\r\n", "\n").encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class MergeField:
    """One field of an edit conflict: stored now, as submitted, and what the merge form starts from."""

    theirs: str
    yours: str
    merged: str

    @property
    def differs(self) -> bool:
        """The two versions disagree here: the reviewer must look."""
        return self.theirs != self.yours


@dataclass(frozen=True)
class EditMerge:
    """A save made on an older version of a claim, field by field against the stored one."""

    verdict: MergeField  # a rating id, or "" for none
    conclusion: MergeField
    status: MergeField
    rationale: MergeField
    version: str  # the version the save was made on
    reason: str


def edit_merge(claim: Claim, form: Mapping[str, str]) -> EditMerge:
    """Compare a stale save (`form`, with the `seen_*` values its page showed) with the stored claim.

    The merge starts from what was submitted where the submitter changed the field, and from
    what is stored where they did not: saving the merge as it comes never undoes a colleague's
    change the submitter did not touch. A form without `seen_*` values counts as changing all.
    """

    def merge(stored: str, submitted: str, changed: bool) -> MergeField:
        return MergeField(theirs=stored, yours=submitted, merged=submitted if changed else stored)

    def changed(name: str, submitted: str) -> bool:
        shown = form.get(f"seen_{name}")
        return shown is None or submitted != shown

    stored_verdict = "" if claim.verdict_id is None else str(claim.verdict_id)
    verdict = form.get("verdict", stored_verdict).strip()
    conclusion = " ".join(form.get("conclusion", claim.conclusion).split())
    status = form.get("status", claim.status.value)
    rationale = form.get("rationale", claim.rationale).replace("\r\n", "\n")
    return EditMerge(
        verdict=merge(stored_verdict, verdict, changed("verdict", verdict)),
        conclusion=merge(claim.conclusion, conclusion, changed("conclusion", conclusion)),
        status=merge(claim.status.value, status, changed("status", status)),
        rationale=merge(claim.rationale, rationale, changed("rationale", seen_digest(rationale))),
        version=form.get("version", "?"),
        reason=form.get("reason", ""),
    )


def is_editor(user: User | None) -> bool:
    """Editors and admins approve, publish and correct; None (the CLI, an import) may too."""
    return user is None or user.role in EDITOR_ROLES


# --- Saving a review ----------------------------------------------------------------------


def save_review(
    session: Session,
    claim: Claim,
    ratings: Sequence[Rating],
    *,
    verdict_id: int | None,
    rationale: str,
    status: str,
    user: User | None,
    version: int | None = None,
    reason: str = "",
    conclusion: str | None = None,
    free_text: bool = False,
) -> list[ClaimRevision]:
    """Save a verdict, rationale and status through the workflow rules (see the module docstring).

    `version` is the claim version the reviewer's form was rendered with (None: no check, for
    scripts). Raises EditConflict, Forbidden or InvalidInput; on success the claim's version is
    one higher and the caller commits.
    """
    by_id = {r.id: r for r in ratings}
    new_status = parse_status(status)
    rationale = rationale.replace("\r\n", "\n")
    reason = " ".join(reason.split())
    if version is not None and version != claim.version:
        raise EditConflict(claim.id, version)
    if conclusion is not None:
        conclusion = " ".join(conclusion.split())
    content_changed = (
        verdict_id != claim.verdict_id
        or rationale != claim.rationale
        or (conclusion is not None and conclusion != claim.conclusion)
    )
    if not content_changed and new_status == claim.status:
        return []
    reopening = claim.status.signed_off and (content_changed or new_status.rank < claim.status.rank)
    _check_step(session, claim, by_id, user, new_status, content_changed=content_changed, reopening=reopening)
    if reopening and not reason:
        raise InvalidInput(
            f"Claim {claim.position + 1} is {claim.status.label.lower()}: changing it is a correction. "
            "Say why in “Reason for the correction”."
        )
    if len(reason) > REASON_MAX_CHARS:
        raise InvalidInput(f"The reason is {len(reason):,} characters; the limit is {REASON_MAX_CHARS:,}.")
    if reopening and content_changed and new_status.signed_off:
        new_status = ClaimStatus.NEEDS_SECOND_REVIEW  # a corrected verdict is approved again
    old_verdict = by_id[claim.verdict_id].label if claim.verdict_id in by_id else (claim.conclusion or None)
    old = (old_verdict, claim.rationale, claim.status)
    claim_version(session, claim, claim.version if version is None else version)
    revisions = update_claim(
        session,
        claim,
        ratings,
        verdict_id=verdict_id,
        rationale=rationale,
        status=new_status.value,
        conclusion=conclusion,
        free_text=free_text,
        user_id=user.id if user else None,
    )
    if content_changed or (new_status == ClaimStatus.NEEDS_SECOND_REVIEW and old[2] != new_status):
        # Whoever wrote the verdict or rationale last, or sent it to second review, is its
        # reviewer: someone else approves it.
        claim.submitted_by_id = user.id if user else None
    if reopening:
        session.add(
            Correction(
                claim_id=claim.id,
                user_id=user.id if user else None,
                reason=reason,
                old_verdict=old[0],
                old_rationale=old[1],
                old_status=old[2],
                created=claim.updated,
            )
        )
    return revisions


def claim_version(session: Session, claim: Claim, expected: int) -> None:
    """Move the stored claim from version `expected` to the next one, or raise EditConflict.

    One conditional UPDATE: SQLite lets one writer at a time run it, and the second finds the
    version already moved on, so two saves made on the same version never both succeed.
    """
    result = session.execute(
        update(Claim)
        .where(col(Claim.id) == claim.id, col(Claim.version) == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False, article_id=claim.article_id)
    )
    if result.rowcount != 1:
        raise EditConflict(claim.id, expected)
    set_committed_value(claim, "version", expected + 1)


def _check_step(
    session: Session,
    claim: Claim,
    by_id: Mapping[int | None, Rating],
    user: User | None,
    new_status: ClaimStatus,
    *,
    content_changed: bool,
    reopening: bool,
) -> None:
    name = f"Claim {claim.position + 1}"
    if reopening and not is_editor(user):
        raise Forbidden(
            f"{name} is {claim.status.label.lower()}: only an editor can reopen it. Leave a comment for the team instead."
        )
    if new_status == claim.status or new_status.rank < claim.status.rank:
        return
    if new_status.signed_off and not is_editor(user):
        raise Forbidden(f"Only editors and admins may mark a claim {new_status.label.lower()}.")
    if new_status == ClaimStatus.PUBLISHED and claim.status != ClaimStatus.APPROVED:
        raise InvalidInput(f"{name} is not approved yet: approve it before publishing it.")
    if new_status == ClaimStatus.APPROVED:
        _check_approval(session, claim, by_id, user, content_changed=content_changed)
    if new_status.signed_off:
        _check_sources(session, claim, by_id, "Approving" if new_status == ClaimStatus.APPROVED else "Publishing")


def _check_approval(
    session: Session, claim: Claim, by_id: Mapping[int | None, Rating], user: User | None, *, content_changed: bool
) -> None:
    name = f"Claim {claim.position + 1}"
    if claim.status != ClaimStatus.NEEDS_SECOND_REVIEW:
        raise InvalidInput(f"{name} has not been sent to second review: a claim is approved after a second person reads it.")
    submitter = submitted_by(session, claim)
    if user is not None and submitter == user.id:
        raise Forbidden(f"You sent {name.lower()} to second review, so someone else must approve it.")
    if content_changed:
        raise InvalidInput(
            "Approve the verdict and rationale as they were sent, or change them and send the claim back to second review."
        )
    if not has_verdict(claim):
        raise InvalidInput(f"{name} has no verdict: give it one before approving it.")


def sources_needed(claim: Claim, by_id: Mapping[int | None, Rating]) -> tuple[int, str]:
    """How many sources the claim's verdict needs before approval, and what to call the verdict."""
    rating = by_id.get(claim.verdict_id)
    # A conclusion on a free-text scale has no label to set a number on: it needs the default one.
    return (rating.min_sources, f"a “{rating.label}” verdict") if rating else (1, "a conclusion")


def _check_sources(session: Session, claim: Claim, by_id: Mapping[int | None, Rating], doing: str) -> None:
    """Approving and publishing both need the sources the verdict asks for (one may have gone since)."""
    needed, what = sources_needed(claim, by_id)
    have = session.exec(select(func.count()).select_from(Source).where(Source.claim_id == claim.id)).one()
    if have < needed:
        raise InvalidInput(
            f"{doing} {what} needs at least {_count(needed, 'source')}; "
            f"claim {claim.position + 1} has {have}. Add {needed - have} more."
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def submitted_by(session: Session, claim: Claim) -> int | None:
    """Who sent the claim to second review: recorded on the claim, else the last such revision."""
    if claim.submitted_by_id is not None:
        return claim.submitted_by_id
    return session.exec(
        select(ClaimRevision.user_id)
        .where(
            ClaimRevision.claim_id == claim.id,
            ClaimRevision.field == "status",
            ClaimRevision.after == ClaimStatus.NEEDS_SECOND_REVIEW.value,
        )
        .order_by(col(ClaimRevision.id).desc())
        .limit(1)
    ).first()


# --- Approval rules ---------------------------------------------------------------------------


def set_min_sources(session: Session, wanted: Mapping[int, str]) -> list[Rating]:
    """Set each rating's minimum number of sources (rating id -> typed number); returns the changed ones."""
    ratings = {r.id: r for r in session.exec(select(Rating).where(col(Rating.id).in_(list(wanted)))).all()}
    changed = []
    for rating_id, typed in wanted.items():
        rating = ratings.get(rating_id)
        if rating is None:
            raise InvalidInput(f"There is no rating {rating_id}.")
        text = typed.strip()
        if not is_digits(text) or int(text) > MIN_SOURCES_LIMIT:
            scale = session.get(RatingScale, rating.scale_id)
            raise InvalidInput(
                f"{scale.name}, “{rating.label}”: give a whole number of sources from 0 to {MIN_SOURCES_LIMIT}."
            )
        if int(text) != rating.min_sources:
            rating.min_sources = int(text)
            session.add(rating)
            changed.append(rating)
    return changed
