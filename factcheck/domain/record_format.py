"""The shape of a `factcheck-article/1` record, checked whole before an import stores anything.

These models check types only, strictly (a list where text belongs is refused, naming where:
`claims[3].verdict: must be text`), and that every string can be stored (no NUL character, no
lone surrogate). The rules on values (spans, limits, labels on the scale, addresses, dates) stay
with factcheck.domain.records, which gives them their own messages. What the export writes for
reading only (ids, checkworthiness, reviewer, approver, approved_on, published_on,
same_claim_as) is accepted and ignored, as are keys this version does not know; older exports
lack some keys (tags, archived, the claim details), which default as an import always took them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from factcheck.errors import InvalidInput


def storable_text(value: str) -> str:
    """The string, or ValueError if no database text can hold it: a NUL, or a lone surrogate
    (JSON's "\\ud800" escape decodes to one; it is not a character and cannot be encoded)."""
    if "\x00" in value:
        raise ValueError("holds a NUL character, which factcheck does not store")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"holds a lone surrogate ({value[error.start]!r}), which is not text") from None
    return value


Text = Annotated[str, AfterValidator(storable_text)]


class _Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class RecordArticle(_Part):
    title: Text | None = None
    published: Text | None = None
    url: Text | None = None
    outlet: Text | None = None
    author: Text | None = None
    tags: list[Text] | None = None
    archived: bool | None = None
    text: Text


class RecordRating(_Part):
    label: Text
    value: int
    best: bool | None = None
    worst: bool | None = None
    description: Text | None = None


class RecordScale(_Part):
    name: Text
    ratings: list[RecordRating] | None = None
    description: Text | None = None
    free_text: bool | None = None


class RecordSource(_Part):
    url: Text | None = None
    title: Text | None = None
    publisher: Text | None = None
    quote: Text | None = None
    stance: Text | None = None
    accessed: Text | None = None


class RecordCorrection(_Part):
    date: Text | None = None
    reason: Text | None = None
    old_verdict: Text | None = None
    old_rationale: Text | None = None
    old_status: Text | None = None


class RecordClaim(_Part):
    start: int
    end: int
    text: Text
    status: Text | None = None
    verdict: Text | None = None
    conclusion: Text | None = None
    rationale: Text | None = None
    claimant: Text | None = None
    claim_url: Text | None = None
    claim_date: Text | None = None
    summary: Text | None = None
    sources: list[RecordSource] | None = None
    corrections: list[RecordCorrection] | None = None


class ArticleRecord(_Part):
    """A whole record as `factcheck import` reads it (factcheck.domain.records.article_record writes it)."""

    format: Text
    article: RecordArticle
    rating_scale: RecordScale | None = None
    claims: list[RecordClaim] | None = None


#: What each kind of pydantic error means for a value in a JSON file.
_EXPECTED = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "missing": "is missing",
}
#: At most this many problems are named (a crafted file may have thousands).
MAX_REPORTED = 3


def check_record(record: Any) -> ArticleRecord:
    """The record checked whole, or InvalidInput naming each wrong value's place (the first few)."""
    try:
        return ArticleRecord.model_validate(record)
    except ValidationError as error:
        problems = [_problem(item["loc"], item["type"], item["msg"]) for item in error.errors()]
        problems = list(dict.fromkeys(problems))
        message = "; ".join(problems[:MAX_REPORTED])
        more = len(problems) - MAX_REPORTED
        raise InvalidInput(message + (f"; and {more:,} more" if more > 0 else "")) from None


def _problem(loc: tuple[str | int, ...], kind: str, message: str) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    if len(loc) == 3 and loc[0] == "claims" and loc[2] in ("start", "end"):
        # The message the span checks give: an offset that is no whole number is no offset.
        return f"claims[{loc[1]}]: start and end must be offsets inside the article text"
    return f"{where}: {_EXPECTED.get(kind, message.removeprefix('Value error, '))}"
