"""What reviewers and admins send, checked: input models and the checks on single fields.

Table models (factcheck.models) do not validate on construction; these pydantic models do. The
field checks below them are plain functions, shared with ingest (metadata read from pages) and the
views (numbers in forms and URLs). No database here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from factcheck.errors import InvalidInput
from factcheck.vocabulary import Stance

#: Longer than any id, offset or count factcheck stores (and far below int()'s digit limit).
MAX_DIGITS = 15


def is_digits(value: str) -> bool:
    """True for 1 to MAX_DIGITS ASCII digits: `int(value)` is then a safe, sensible number.

    str.isdigit() alone is not enough: "²" and "٣" are digits to it, and int() refuses the first.
    """
    return 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit()


def validation_message(error: ValidationError) -> str:
    """One readable line from a pydantic error: 'url: must be an http:// or https:// address'."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse_date(value: str, what: str) -> dt.date | None:
    """A YYYY-MM-DD string as a date ('' gives None), or InvalidInput naming the field."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not a date in the form YYYY-MM-DD.") from None


TITLE_MAX_CHARS = 500
ARTICLE_MAX_CHARS = 1_000_000
#: Claims one article may split into (or an export hold): a 2,000-sentence transcript fits.
ARTICLE_MAX_CLAIMS = 5_000
#: Session.info key: the ArticleLimits the app's settings give (factcheck.db sets it).
LIMITS_KEY = "factcheck.article_limits"


@dataclass(frozen=True)
class ArticleLimits:
    """How long an article may be and how many claims it may have (ARTICLE_MAX_CHARS and
    ARTICLE_MAX_CLAIMS settings): past them an import is refused before anything is stored."""

    max_chars: int = ARTICLE_MAX_CHARS
    max_claims: int = ARTICLE_MAX_CLAIMS

    def check_text(self, text: str, what: str = "The article") -> None:
        """InvalidInput if the text is longer than allowed."""
        if len(text) > self.max_chars:
            raise InvalidInput(f"{what} is {len(text):,} characters; factcheck takes at most {self.max_chars:,}.")

    def check_claims(self, count: int, what: str = "The article") -> None:
        """InvalidInput if there are more claims than allowed."""
        if count > self.max_claims:
            raise InvalidInput(f"{what} has {count:,} claims; factcheck takes at most {self.max_claims:,} per article.")


def check_http_url(value: str, *, required: bool) -> str:
    """Return the URL stripped, or raise ValueError unless it is an absolute http(s) URL."""
    value = value.strip()
    if not value and not required:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[::1": brackets that do not close
        raise ValueError("must be an http:// or https:// address") from None
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

    @field_validator("quote")
    @classmethod
    def _quote(cls, value: str) -> str:
        if len(value) > QUOTE_MAX_CHARS:
            raise ValueError(f"the quoted passage is {len(value):,} characters; quote at most {QUOTE_MAX_CHARS:,}")
        return value


#: A source's quoted passage: the lines that bear on the claim, not the whole page.
QUOTE_MAX_CHARS = 5_000
CLAIMANT_MAX_CHARS = 200
#: ClaimReview's `claimReviewed` should stay under about 75 characters; longer is refused past 200.
CLAIM_SUMMARY_ADVISED_CHARS = 75
CLAIM_SUMMARY_MAX_CHARS = 200
TAG_MAX_CHARS = 50
TAGS_PER_ARTICLE = 20


class ClaimDetails(BaseModel):
    """What a claim needs to be published: who made it, where and when (if not in the article
    itself), and a short summary for headlines. Empty fields are allowed: details are optional."""

    claimant: str = ""
    claim_url: str = ""
    claim_date: dt.date | None = None
    summary: str = ""

    @field_validator("claimant")
    @classmethod
    def _claimant(cls, value: str) -> str:
        return one_line(value, CLAIMANT_MAX_CHARS, "the claimant")

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str) -> str:
        return one_line(value, CLAIM_SUMMARY_MAX_CHARS, "the summary")

    @field_validator("claim_url")
    @classmethod
    def _claim_url(cls, value: str) -> str:
        value = check_http_url(value, required=False)
        if len(value) > 2000:
            raise ValueError("must be at most 2,000 characters")
        return value

    @field_validator("claim_date", mode="before")
    @classmethod
    def _claim_date(cls, value: object) -> object:
        return value or None


def parse_tags(value: str | list[str]) -> list[str]:
    """Tags as typed ("Ukraine, elections 2026") made uniform: lowercase, words joined by hyphens,
    letters and digits only, sorted, no repeats. Raises InvalidInput naming a tag it cannot take."""
    raw = value.split(",") if isinstance(value, str) else value
    tags = set()
    for typed in raw:
        if not isinstance(typed, str):
            raise InvalidInput("Tags must be text.")
        words = "".join(c if c.isalnum() else " " for c in typed.casefold()).split()
        tag = "-".join(words)
        if not tag:
            continue
        if len(tag) > TAG_MAX_CHARS:
            raise InvalidInput(f"The tag {tag[:40]!r}… is longer than {TAG_MAX_CHARS} characters.")
        tags.add(tag)
    if len(tags) > TAGS_PER_ARTICLE:
        raise InvalidInput(f"An article takes at most {TAGS_PER_ARTICLE} tags; {len(tags)} were given.")
    return sorted(tags)


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
