"""Every table factcheck stores, and the input models that validate what reviewers send."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, field_validator, model_validator
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from factcheck.extract import checkworthy


def utcnow() -> dt.datetime:
    """Now, in UTC, without sub-second noise (stored and shown to reviewers)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


#: Status values of claims an editor has signed off (approved, then perhaps published): for code
#: that reads statuses as plain strings (the report writer, old records), as ClaimStatus.signed_off.
SIGNED_OFF_STATUSES = frozenset({"approved", "published"})


class ClaimStatus(StrEnum):
    """Where a claim is in the workflow, in order: see factcheck.workflow for who may move it."""

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
    """What a user may do; see factcheck.permissions for the table."""

    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"

    @property
    def label(self) -> str:
        """The user-facing name."""
        return self.value.capitalize()


class User(SQLModel, table=True):
    """A member of the fact-checking team; `password_hash` is an argon2id hash."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    display_name: str = ""
    role: Role = Role.REVIEWER
    password_hash: str
    active: bool = True
    created: dt.datetime = Field(default_factory=utcnow)

    @property
    def name(self) -> str:
        """How the team sees this user: the display name, else the username."""
        return self.display_name or self.username


class LoginSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here,
    and deleting the row (logout, password change, deactivation) ends that browser's session."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created: dt.datetime = Field(default_factory=utcnow)
    expires: dt.datetime


class Assignment(SQLModel, table=True):
    """A reviewer given an article (claim_id None: every claim in it) or one claim of it."""

    __table_args__ = (UniqueConstraint("article_id", "claim_id", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    assigned_by_id: int | None = Field(default=None, foreign_key="user.id")
    created: dt.datetime = Field(default_factory=utcnow)


class BlindVerdict(SQLModel, table=True):
    """One reviewer's verdict on a claim under blind review, kept off the claim until an editor
    settles it; only its author and editors ever see it (factcheck.blind)."""

    __table_args__ = (UniqueConstraint("claim_id", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    verdict_id: int = Field(foreign_key="rating.id")
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    given: dt.datetime = Field(default_factory=utcnow)
    settled: dt.datetime | None = None  # set on every verdict of the claim when an editor settles it
    chosen: bool = False  # the verdict the editor wrote to the claim


class RatingScale(SQLModel, table=True):
    """A named set of verdict labels, or a free-text conclusion; each article is rated on one scale."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str = ""
    # True: no labels; the verdict is the reviewer's short conclusion line (Claim.conclusion).
    free_text: bool = False
    # Built in and seeded by init_db by name: not editable, so a rename cannot make init_db seed it again.
    preset: bool = False


class Rating(SQLModel, table=True):
    """One label of a rating scale, with its numeric value."""

    __table_args__ = (UniqueConstraint("scale_id", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    scale_id: int = Field(foreign_key="ratingscale.id", index=True)
    position: int
    label: str
    value: int
    is_best: bool = False
    is_worst: bool = False
    description: str = ""
    min_sources: int = 1  # sources a claim with this verdict needs before an editor may approve it


class Article(SQLModel, table=True):
    """A news article under review; `text` is the body the claims point into."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    outlet: str = ""
    author: str = ""
    url: str = ""
    published: dt.date | None = None
    dateline: str = ""  # "KYIV, April 28 (Reuters)": where and who filed it
    source_url: str = ""  # the address it was imported from, when `url` is the canonical one
    content_hash: str = Field(default="", index=True)  # of the normalized text, to spot duplicates
    text: str = Field(sa_column=Column(Text, nullable=False))
    rating_scale_id: int = Field(foreign_key="ratingscale.id")
    blind_review: bool = False  # two assigned reviewers give verdicts unseen; see factcheck.blind
    created: dt.datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    """One claim: an exact span `article.text[start:end]` with its review."""

    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    position: int
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: ClaimStatus = ClaimStatus.TO_REVIEW
    verdict_id: int | None = Field(default=None, foreign_key="rating.id")
    conclusion: str = ""  # the verdict on a free-text scale: "Misleading: the figure is from 2019"
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    checkworthiness: float | None = None  # 0-1, from factcheck.extract.checkworthy
    kind: ClaimKind | None = None
    signals: str = ""  # JSON: the reasons shown on the card (numbers, speaker, loaded words)
    worth_checking: bool | None = None  # the reviewer's call; None: take the model's score
    dismissed: bool = False  # a span that is not a claim at all; kept for its history
    updated: dt.datetime = Field(default_factory=utcnow)
    # Bumped by every verdict/rationale/status save; a save made on an older version is a conflict.
    version: int = 1
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")  # who sent it to second review


class Source(SQLModel, table=True):
    """Evidence a reviewer cites for a claim."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    url: str
    title: str = ""
    publisher: str = ""
    quote: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    stance: Stance = Stance.CONTEXT
    accessed: dt.date = Field(default_factory=lambda: utcnow().date())
    created: dt.datetime = Field(default_factory=utcnow)


class ClaimRevision(SQLModel, table=True):
    """One recorded change to a claim's verdict, rationale, status or sources."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    field: str  # verdict | conclusion | rationale | status | source_added | source_removed
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    changed: dt.datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="user.id")  # who; None: the CLI or an import


class Correction(SQLModel, table=True):
    """A change to an approved or published verdict: why, by whom, and what it was before."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id")
    created: dt.datetime = Field(default_factory=utcnow)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    old_verdict: str | None = None  # the rating label
    old_rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    old_status: ClaimStatus


class Comment(SQLModel, table=True):
    """A note on a claim for the team (plain text); never part of a report."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id")
    created: dt.datetime = Field(default_factory=utcnow)
    body: str = Field(sa_column=Column(Text, nullable=False))


# --- Input models: table models do not validate on construction, these do. ---

TITLE_MAX_CHARS = 500
ARTICLE_MAX_CHARS = 1_000_000


def check_http_url(value: str, *, required: bool) -> str:
    """Return the URL stripped, or raise ValueError unless it is an absolute http(s) URL."""
    value = value.strip()
    if not value and not required:
        return ""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// address")
    if any(ch.isspace() for ch in value):
        raise ValueError("must not contain spaces")
    return value


def one_line(value: str, limit: int, what: str) -> str:
    """Collapse whitespace; raise ValueError naming `what` past `limit` characters."""
    value = " ".join(value.split())
    if len(value) > limit:
        raise ValueError(f"{what} must be at most {limit} characters")
    return value


def short_line(value: str) -> str:
    """Collapse whitespace; raise ValueError past TITLE_MAX_CHARS."""
    value = " ".join(value.split())
    if len(value) > TITLE_MAX_CHARS:
        raise ValueError(f"must be at most {TITLE_MAX_CHARS} characters")
    return value


class ArticleCreate(BaseModel):
    """A new article as a reviewer submits it."""

    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    url: str = ""
    published: dt.date | None = None
    dateline: str = ""
    source_url: str = ""

    @field_validator("text")
    @classmethod
    def _text_has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the article is empty")
        if len(value) > ARTICLE_MAX_CHARS:
            raise ValueError(f"the article is longer than {ARTICLE_MAX_CHARS:,} characters")
        return value

    @field_validator("title", "outlet", "author", "dateline")
    @classmethod
    def _short_line(cls, value: str) -> str:
        return short_line(value)

    @field_validator("url", "source_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_http_url(value, required=False)


class SourceCreate(BaseModel):
    """A source as a reviewer adds it to a claim."""

    url: str
    title: str = ""
    publisher: str = ""
    quote: str = ""
    stance: Stance = Stance.CONTEXT
    accessed: dt.date | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_http_url(value, required=True)

    @field_validator("title", "publisher")
    @classmethod
    def _short_line(cls, value: str) -> str:
        return short_line(value)


SCALE_NAME_MAX_CHARS = 100
SCALE_DESCRIPTION_MAX_CHARS = 500
RATING_LABEL_MAX_CHARS = 60
RATING_DESCRIPTION_MAX_CHARS = 300
SCALE_MAX_RATINGS = 30
CONCLUSION_MAX_CHARS = 200
RATING_VALUE_LIMIT = 1000  # a label's value is between -1000 and 1000


class RatingInput(BaseModel):
    """One label of a scale as an admin writes it."""

    label: str
    value: int
    description: str = ""
    is_best: bool = False
    is_worst: bool = False

    @field_validator("value")
    @classmethod
    def _value(cls, value: int) -> int:
        if abs(value) > RATING_VALUE_LIMIT:
            raise ValueError(f"the value must be between -{RATING_VALUE_LIMIT} and {RATING_VALUE_LIMIT}")
        return value

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        value = one_line(value, RATING_LABEL_MAX_CHARS, "the label")
        if not value:
            raise ValueError("the label is empty")
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        return one_line(value, RATING_DESCRIPTION_MAX_CHARS, "the description")


class ScaleCreate(BaseModel):
    """A rating scale as an admin submits it: labels in display order, or free text."""

    name: str
    description: str = ""
    free_text: bool = False
    ratings: list[RatingInput] = []

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = one_line(value, SCALE_NAME_MAX_CHARS, "the name")
        if not value:
            raise ValueError("the scale needs a name")
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        return one_line(value, SCALE_DESCRIPTION_MAX_CHARS, "the description")

    @model_validator(mode="after")
    def _labels_fit_the_kind(self) -> ScaleCreate:
        if self.free_text:
            if self.ratings:
                raise ValueError("a conclusion-only scale has no labels: remove them, or untick “conclusion only”")
            return self
        if len(self.ratings) < 2:
            raise ValueError("a scale needs at least two labels (or tick “conclusion only”)")
        if len(self.ratings) > SCALE_MAX_RATINGS:
            raise ValueError(f"a scale has at most {SCALE_MAX_RATINGS} labels")
        seen: set[str] = set()
        for rating in self.ratings:
            key = rating.label.casefold()
            if key in seen:
                raise ValueError(f"the label “{rating.label}” is there twice; labels must differ")
            seen.add(key)
        if sum(r.is_best for r in self.ratings) > 1 or sum(r.is_worst for r in self.ratings) > 1:
            raise ValueError("mark at most one label as best and one as worst")
        if any(r.is_best and r.is_worst for r in self.ratings):
            raise ValueError("the best and the worst label must be different labels")
        return self
