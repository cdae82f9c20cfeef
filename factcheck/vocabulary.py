"""The newsroom's fixed words: claim statuses, claim kinds, source stances, roles.

Plain enums, no database: the tables in factcheck.models store them, and the report writers,
which read exported records as plain data, share them without importing the models.
"""

from __future__ import annotations

from enum import StrEnum

from factcheck.extract import checkworthy

#: Status values of claims an editor has signed off (approved, then perhaps published): for code
#: that reads statuses as plain strings (the report writer, old records), as ClaimStatus.signed_off.
SIGNED_OFF_STATUSES = frozenset({"approved", "published"})


class ClaimStatus(StrEnum):
    """Where a claim is in the workflow, in order: see factcheck.domain.workflow for who may move it."""

    TO_REVIEW = "to_review"
    IN_PROGRESS = "in_progress"
    NEEDS_SECOND_REVIEW = "needs_second_review"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """The reviewer-facing name."""
        return self.value.replace("_", " ").capitalize()

    @property
    def rank(self) -> int:
        """How far along the workflow: 0 (to review) to 4 (published)."""
        return list(ClaimStatus).index(self)

    @property
    def signed_off(self) -> bool:
        """Approved or published: changing the verdict now is a correction."""
        return self.value in SIGNED_OFF_STATUSES


class ClaimKind(StrEnum):
    """What sort of statement a claim is, as the check-worthiness model reads it."""

    # The values are the model's own (factcheck.extract.checkworthy stays free of the models).
    FACTUAL = checkworthy.FACTUAL
    STATISTIC = checkworthy.STATISTIC
    ATTRIBUTION = checkworthy.ATTRIBUTION
    PREDICTION = checkworthy.PREDICTION
    OPINION = checkworthy.OPINION
    NOT_A_CLAIM = checkworthy.NOT_A_CLAIM

    @property
    def label(self) -> str:
        """The reviewer-facing name."""
        return {
            "factual": "Factual statement",
            "statistic": "Statistic or quantity",
            "attribution": "Attribution",
            "prediction": "Prediction",
            "opinion": "Opinion or loaded framing",
            "not_a_claim": "Not a claim",
        }[self.value]


class Stance(StrEnum):
    """What a source does for the claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class Role(StrEnum):
    """What a user may do; see factcheck.domain.permissions for the table."""

    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"

    @property
    def label(self) -> str:
        """The user-facing name."""
        return self.value.capitalize()


#: Roles that approve, publish and correct verdicts, and assign work.
EDITOR_ROLES = frozenset({Role.ADMIN, Role.EDITOR})
