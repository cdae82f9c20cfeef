"""Every table factcheck stores. The words they use are in factcheck.vocabulary, what users send
is checked by the input models in factcheck.forms, and the schema changes only through an Alembic
revision (migrations/)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from factcheck.vocabulary import ClaimKind, ClaimStatus, Role, Stance


def utcnow() -> dt.datetime:
    """Now, in UTC, without sub-second noise (stored and shown to reviewers)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


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
    # When the browser last used it, to the minute (written at most once a minute): a session
    # idle longer than SESSION_IDLE_MINUTES has ended.
    last_seen: dt.datetime = Field(default_factory=utcnow)


class LoginFailure(SQLModel, table=True):
    """A login attempt not (yet) known to have succeeded, counted against the account tried
    (kind "account", key: the username as typed, lower-cased) and the address it came from (kind
    "address"). Kept in the database so that every server process counts the same attempts, and a
    restart forgets none; rows older than the window are deleted as new ones come in."""

    __table_args__ = (Index("ix_loginfailure_kind_key_at", "kind", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    key: str = Field(max_length=64)
    at: dt.datetime = Field(index=True)  # the prune of old rows, whatever their key


class Assignment(SQLModel, table=True):
    """A reviewer given an article (claim_id None: every claim in it) or one claim of it."""

    __table_args__ = (UniqueConstraint("article_id", "claim_id", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    assigned_by_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created: dt.datetime = Field(default_factory=utcnow)


class BlindVerdict(SQLModel, table=True):
    """One reviewer's verdict on a claim under blind review, kept off the claim until an editor
    settles it; only its author and editors ever see it (factcheck.domain.blind)."""

    __table_args__ = (UniqueConstraint("claim_id", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    verdict_id: int = Field(foreign_key="rating.id", index=True)
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
    # Built in and seeded by name (factcheck.domain.scales.PRESET_SCALES): not editable, so a rename
    # cannot make the seeding add it again.
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
    rating_scale_id: int = Field(foreign_key="ratingscale.id", index=True)
    blind_review: bool = False  # two assigned reviewers give verdicts unseen; see factcheck.domain.blind
    created: dt.datetime = Field(default_factory=utcnow, index=True)  # the article list is newest first
    # Hidden from the article list by an editor; still in reports, exports and public pages.
    archived: bool = False


class ArticleTag(SQLModel, table=True):
    """A tag on an article ("ukraine", "elections-2026"): lowercase words joined by hyphens."""

    article_id: int = Field(primary_key=True, foreign_key="article.id", ondelete="CASCADE")
    tag: str = Field(primary_key=True, max_length=50, index=True)


class Claim(SQLModel, table=True):
    """One claim: an exact span `article.text[start:end]` with its review."""

    # ix_claim_status: search's status filter reads claims by status, newest first, from the index alone.
    # ix_claim_published: the public list of fact-checks, newest first, a page at a time from the index.
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        Index("ix_claim_status", "status", "dismissed", "id"),
        Index("ix_claim_published", "status", "published_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    position: int
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: ClaimStatus = ClaimStatus.TO_REVIEW
    verdict_id: int | None = Field(default=None, foreign_key="rating.id", index=True)
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
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id", index=True)  # who sent it to second review
    # Claim details for publishing (ClaimReview): who made the claim, where and when if not in
    # the article itself, and a short summary for headlines (the span itself stays as it is).
    claimant: str = Field(default="", max_length=200)
    claim_url: str = Field(default="", max_length=2000)
    claim_date: dt.date | None = None
    summary: str = Field(default="", max_length=200)
    # When it was last published (kept by the listener below): the public list's order, by index.
    published_at: dt.datetime | None = None


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
    # What changed. Reviews: verdict | conclusion | rationale | status | source_added | source_removed;
    # shaping (factcheck.domain.shaping): created | split | merged | dismissed | restored | worth_checking;
    # seen before (factcheck.domain.seen_before): linked | unlinked.
    field: str
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    changed: dt.datetime = Field(default_factory=utcnow, index=True)  # the dashboard counts verdicts given per day
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)  # who; None: the CLI or an import


class Correction(SQLModel, table=True):
    """A change to an approved or published verdict: why, by whom, and what it was before."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created: dt.datetime = Field(default_factory=utcnow)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    old_verdict: str | None = None  # the rating label
    old_rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    old_status: ClaimStatus


class Comment(SQLModel, table=True):
    """A note on a claim for the team (plain text); never part of a report."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created: dt.datetime = Field(default_factory=utcnow)
    body: str = Field(sa_column=Column(Text, nullable=False))


class AgreementCount(SQLModel, table=True):
    """How many pairs of blind verdicts (two reviewers on one claim) in a group gave these two
    labels, the lower reviewer id's first: the agreement page's figures, kept up to date by every
    blind verdict given (factcheck.domain.blind), so the page reads a few rows per group however
    many verdicts there are. `grouping` is "pair" (`group_key` "3-7": the two reviewer ids),
    "article" ("12": its id) or "month" ("2025-02": of the later of the two verdicts)."""

    __table_args__ = (UniqueConstraint("grouping", "group_key", "first_label_id", "second_label_id"),)

    id: int | None = Field(default=None, primary_key=True)
    grouping: str = Field(max_length=10)
    group_key: str = Field(max_length=40)
    first_label_id: int  # rating ids, not foreign keys: a count outlives nothing it names
    second_label_id: int
    n: int = 0


class ChangeStamp(SQLModel, table=True):
    """How many times what a page shows has changed: `article:<id>` for an article and everything
    hanging off it (claims, sources, comments, assignments, blind verdicts), `site` for what every
    page may show (users, rating scales). Bumped in the transaction that makes the change
    (factcheck.domain.changes), read by the page cache (factcheck.views.page_cache)."""

    scope: str = Field(primary_key=True, max_length=40)
    version: int = 0


class ArchiveEntry(SQLModel, table=True):
    """A fact-check published anywhere (by this newsroom or another), imported into the archive
    (factcheck.archive) so new claims can be matched against it. `key` is its id as imported: the
    JSON-lines `id`, or a ClaimReview's `@id`, else its `url`; re-importing a file updates by it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    claim: str = Field(sa_column=Column(Text, nullable=False))
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    url: str | None = Field(default=None, max_length=2000, index=True)  # re-imports without an id match by it
    published: dt.date | None = None
    rating: str | None = Field(default=None, max_length=200)  # the verdict label, as published
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = Field(default=None, max_length=200)
    claimant: str | None = Field(default=None, max_length=200)
    appearance: str | None = Field(default=None, max_length=2000)  # where the claim was seen
    imported: dt.datetime = Field(default_factory=utcnow)
    updated: dt.datetime = Field(default_factory=utcnow, index=True)


class ArchiveTerm(SQLModel, table=True):
    """A rare word (a stem) of an archived fact-check's claim and title: the first stage of "seen
    before" looks a claim's rare words up here (factcheck.matching.index keeps it in step)."""

    __table_args__ = ({"sqlite_with_rowid": False},)

    term: str = Field(primary_key=True, max_length=40)
    archive_entry_id: int = Field(primary_key=True, foreign_key="archiveentry.id", index=True, ondelete="CASCADE")


class ArchiveTermCount(SQLModel, table=True):
    """How many archived fact-checks keep a word in ArchiveTerm: a word in TERM_POSTINGS of them or
    more is too common to find an earlier check by, and the first stage does not look it up."""

    term: str = Field(primary_key=True, max_length=40)
    entries: int


class ClaimTerm(SQLModel, table=True):
    """A rare word of a claim with an approved or published verdict, not dismissed: the other
    claims a new claim may repeat (factcheck.matching.index keeps it in step)."""

    __table_args__ = ({"sqlite_with_rowid": False},)

    term: str = Field(primary_key=True, max_length=40)
    claim_id: int = Field(primary_key=True, foreign_key="claim.id", index=True, ondelete="CASCADE")


class MatchQueue(SQLModel, table=True):
    """A claim whose earlier checks are to be looked for: queued when its article is stored or the
    archive grows, taken off when its matches are stored (factcheck.matching.queue)."""

    claim_id: int = Field(primary_key=True, foreign_key="claim.id", ondelete="CASCADE")
    queued: dt.datetime = Field(default_factory=utcnow)


class ClaimMatch(SQLModel, table=True):
    """An earlier check that may be of the same claim: an archive entry, or a claim of another
    article with an approved or published verdict. Found when the claim's article is imported
    and again when the archive grows or a reviewer asks (factcheck.matching.store), best first by
    `position`; `score` is the ranker's 0-1 closeness."""

    __table_args__ = (UniqueConstraint("claim_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    position: int
    archive_entry_id: int | None = Field(default=None, foreign_key="archiveentry.id", index=True, ondelete="CASCADE")
    other_claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True, ondelete="CASCADE")
    score: float
    model: str = Field(default="", max_length=40)  # which ranker found it
    found: dt.datetime = Field(default_factory=utcnow)


class ClaimLink(SQLModel, table=True):
    """A reviewer saying a claim is the same claim as an earlier check ("same claim as…"): shown
    on the card, in the claim's history and in the report. `ref` names the earlier check as the
    `factcheck match` contract does: `archive:<key>` or `claim:<id>`."""

    __table_args__ = (UniqueConstraint("claim_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    ref: str = Field(max_length=320)
    archive_entry_id: int | None = Field(default=None, foreign_key="archiveentry.id", index=True, ondelete="CASCADE")
    other_claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created: dt.datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """One entry of the security and audit log (factcheck.domain.audit): who did what, when and
    from which address. Only ever added: the database's triggers refuse any change or deletion (migration 0010).
    `username` is a copy, so an entry still names its user once the account is gone."""

    __table_args__ = (Index("ix_auditevent_at", "at"), Index("ix_auditevent_kind", "kind"))

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=40)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    username: str = Field(default="", max_length=400)  # escaped (factcheck.domain.audit.clean)
    address: str = Field(default="", max_length=64)
    target: str = Field(default="", max_length=400)  # "article 12", "user rita"
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


@event.listens_for(Claim.status, "set")
def _publication_time(claim: Claim, value: ClaimStatus, old: object, _initiator: object) -> None:
    """A claim moved to "published" records when; one that leaves it forgets (whoever moves it:
    a review, a bulk change, a correction, an import)."""
    if value == ClaimStatus.PUBLISHED and old != ClaimStatus.PUBLISHED:
        claim.published_at = utcnow()
    elif value != ClaimStatus.PUBLISHED:
        claim.published_at = None


@event.listens_for(Claim, "before_insert")
def _published_when_stored(_mapper: object, _connection: object, claim: Claim) -> None:
    """A claim stored already published (an import; SQLModel sets its fields past the listener above)."""
    if claim.status == ClaimStatus.PUBLISHED and claim.published_at is None:
        claim.published_at = utcnow()
