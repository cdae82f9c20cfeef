"""The security and audit log: who did what, when, from which address; only ever added to.

`record` adds an event, with every text field made safe to show and to write to a log line:
control characters (newlines, tabs, escape...), line and paragraph separators, bidi overrides
and other invisible formatting characters are written as escapes (`\\n`, `\\u202e`), and a
backslash as `\\\\`, so a username such as "admin\\nlogin ok" is one line that says what was
typed. The callers decide which transaction an event goes in: a change's event in the change's
own (a rolled-back change leaves none), a refused request's in a short one of its own (the
request's is rolled back). Nothing updates or deletes an event: the database's triggers refuse
any statement that would (migration 0010), and the ORM refuses to flush one (`watch`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func
from sqlmodel import Session, col, select

from factcheck.domain.accounts import USERNAME_MAX_CHARS
from factcheck.domain.login_guard import ADDRESS_MAX_CHARS
from factcheck.domain.paging import Page, page_of
from factcheck.errors import InvalidInput
from factcheck.forms import parse_date
from factcheck.models import Assignment, AuditEvent, Rating, RatingScale, User

#: Every kind of event, and how the audit page names it.
KINDS: dict[str, str] = {
    "login": "Logged in",
    "login_failed": "Login failed",
    "lockout": "Login refused: too many failures",
    "logout": "Logged out",
    "csrf_refused": "Refused: no valid CSRF token",
    "forbidden": "Refused: not allowed",
    "password_changed": "Changed own password",
    "user_created": "User added",
    "role_changed": "Role changed",
    "user_deactivated": "User switched off",
    "user_reactivated": "User switched on again",
    "password_reset": "Password set by an admin",
    "assigned": "Assigned",
    "unassigned": "Unassigned",
    "scale_created": "Rating scale added",
    "scale_changed": "Rating scale changed",
    "approval_rules_changed": "Approval rules changed",
    "article_created": "Article added",
    "archive_imported": "Archive imported",
}

TARGET_MAX_CHARS = 200
DETAIL_MAX_CHARS = 1000
#: The columns' widths: the characters kept, each written as at most 10 (`\U000e0001`).
USERNAME_COLUMN = 400
TARGET_COLUMN = 400

#: Events on a page of the audit log, and read at a time for the JSON lines export.
EVENTS_PER_PAGE = 50
EXPORT_BATCH = 500

#: The JSON lines' keys, in this order on every line.
JSON_KEYS = ("id", "at", "kind", "user_id", "username", "address", "target", "detail")

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
#: Control, format (bidi overrides, zero-width), line and paragraph separator, surrogate.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def escape(text: str) -> str:
    """The text with every character that could break or disguise a log line written as an escape."""
    return "".join(_escape_char(char) for char in text)


def _escape_char(char: str) -> str:
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if unicodedata.category(char) in _UNSAFE_CATEGORIES:
        code = ord(char)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def clean(text: str, max_chars: int, column: int | None = None) -> str:
    """The first `max_chars` characters of the text, escaped, and cut to fit `column` characters
    between escapes (never inside one)."""
    kept: list[str] = []
    length = 0
    for char in str(text)[:max_chars]:
        piece = _escape_char(char)
        if column is not None and length + len(piece) > column:
            break
        kept.append(piece)
        length += len(piece)
    return "".join(kept)


def record(
    session: Session,
    kind: str,
    *,
    user: User | None,
    address: str | None,
    target: str = "",
    detail: str = "",
    username: str | None = None,
) -> AuditEvent:
    """Add an event to the session (committed with its transaction). `username` names who it was
    when there is no user (a failed login: the name typed; a command: who ran it)."""
    if kind not in KINDS:
        raise ValueError(f"not an audit event kind: {kind!r}")
    name = username if username is not None else (user.username if user is not None else "")
    audit_event = AuditEvent(
        kind=kind,
        user_id=user.id if user is not None else None,
        username=clean(name, USERNAME_MAX_CHARS, USERNAME_COLUMN),
        address=clean(address or "", ADDRESS_MAX_CHARS, ADDRESS_MAX_CHARS),
        target=clean(target, TARGET_MAX_CHARS, TARGET_COLUMN),
        detail=clean(detail, DETAIL_MAX_CHARS),
    )
    session.add(audit_event)
    return audit_event


#: Refusals anyone can cause without an account, as fast as they can send requests: of each, one a
#: minute is recorded from one address, so a flood of them cannot grow the log without bound.
ANONYMOUS_ONCE_A_MINUTE = frozenset({"lockout", "csrf_refused"})


def recorded_lately(session: Session, kind: str, address: str | None, now: dt.datetime) -> bool:
    """Whether an anonymous event of this kind from this address was recorded in the last minute."""
    query = select(AuditEvent.id).where(
        AuditEvent.kind == kind,
        col(AuditEvent.user_id).is_(None),
        AuditEvent.address == clean(address or "", ADDRESS_MAX_CHARS, ADDRESS_MAX_CHARS),
        col(AuditEvent.at) > now - dt.timedelta(minutes=1),
    )
    return session.exec(query.limit(1)).first() is not None


#: The address of an event recorded by a command (`factcheck create-user`, `import`, `archive import`).
COMMAND_LINE = "command line"


def record_command(session: Session, kind: str, *, target: str = "", detail: str = "") -> AuditEvent:
    """Add an event of a command: by the system user running it, from the command line."""
    return record(session, kind, user=None, username=_operator(), address=COMMAND_LINE, target=target, detail=detail)


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a name
        return ""


# --- What an event says about the thing changed ---------------------------------------------------


def assignment_target(session: Session, assignment: Assignment) -> tuple[str, str]:
    """The target and detail of an (un)assignment event: the article or claim, and who."""
    reviewer = session.get(User, assignment.reviewer_id)
    where = f"article {assignment.article_id}"
    if assignment.claim_id is not None:
        where = f"claim {assignment.claim_id} of {where}"
    return where, f"reviewer: {reviewer.username if reviewer is not None else assignment.reviewer_id}"


def min_sources_detail(session: Session, ratings: list[Rating]) -> str:
    """What an approval-rules change set: "Scale, “label”: N sources" for each rating changed."""
    names = {scale.id: scale.name for scale in session.exec(select(RatingScale)).all()}
    return "; ".join(f"{names.get(r.scale_id, r.scale_id)}, “{r.label}”: {r.min_sources} sources" for r in ratings)


# --- Reading the log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show: of a kind, by a username, within dates (UTC, inclusive), from an address."""

    kind: str = ""
    username: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    address: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilter:
        """The filter a form or the command line gives (kind, username, from, to, address);
        InvalidInput for a kind not in KINDS or a date not YYYY-MM-DD."""
        kind = (args.get("kind") or "").strip()
        if kind and kind not in KINDS:
            raise InvalidInput(f"There is no kind of event {kind!r}: use one of {', '.join(KINDS)}.")
        return cls(
            kind=kind,
            username=(args.get("username") or "").strip(),
            start=parse_date(args.get("from") or "", "From"),
            end=parse_date(args.get("to") or "", "To"),
            address=(args.get("address") or "").strip(),
        )

    def args(self) -> dict[str, str]:
        """The filter as query arguments (for the page links and the download), empty ones left out."""
        values = {
            "kind": self.kind,
            "username": self.username,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
            "address": self.address,
        }
        return {key: value for key, value in values.items() if value}


def _query(audit_filter: AuditFilter) -> Any:
    query = select(AuditEvent)
    if audit_filter.kind:
        query = query.where(AuditEvent.kind == audit_filter.kind)
    if audit_filter.username:
        # As stored: escaped, so a name typed with a newline is found by its escaped form too.
        # As typed, or whatever the case (SQLite's lower() folds only A-Z: "Émile" is found as typed).
        wanted = clean(audit_filter.username, USERNAME_MAX_CHARS, USERNAME_COLUMN)
        query = query.where((AuditEvent.username == wanted) | (func.lower(AuditEvent.username) == wanted.lower()))
    if audit_filter.start:
        query = query.where(col(AuditEvent.at) >= _midnight(audit_filter.start))
    if audit_filter.end:
        query = query.where(col(AuditEvent.at) < _midnight(audit_filter.end + dt.timedelta(days=1)))
    if audit_filter.address:
        query = query.where(AuditEvent.address == audit_filter.address)
    return query


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def audit_events(session: Session, audit_filter: AuditFilter, page: int = 1) -> Page[AuditEvent]:
    """A page of the events the filter picks, newest first."""
    query = _query(audit_filter).order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    return page_of(session, query, page, EVENTS_PER_PAGE)


def all_audit_events(session: Session, audit_filter: AuditFilter) -> Iterator[AuditEvent]:
    """Every event the filter picks, newest first (by id, the order they were added), read
    EXPORT_BATCH at a time: memory stays bounded however long the log."""
    before: int | None = None
    while True:
        query = _query(audit_filter)
        if before is not None:
            query = query.where(col(AuditEvent.id) < before)
        batch = session.exec(query.order_by(col(AuditEvent.id).desc()).limit(EXPORT_BATCH)).all()
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        before = batch[-1].id


def json_line(audit_event: AuditEvent) -> str:
    """One event as a line of JSON (ending in a newline), its keys always in JSON_KEYS' order."""
    at = audit_event.at if audit_event.at.tzinfo else audit_event.at.replace(tzinfo=dt.UTC)
    values = {key: getattr(audit_event, key) for key in JSON_KEYS}
    values["at"] = at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return json.dumps(values, ensure_ascii=False) + "\n"


def json_lines(audit_events: Iterator[AuditEvent]) -> Iterator[str]:
    """The events as JSON lines, one object a line."""
    for audit_event in audit_events:
        yield json_line(audit_event)


# --- Append only -------------------------------------------------------------------------------


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit event loaded in a session. Any other way (a
    bulk UPDATE or DELETE, raw SQL, REPLACE, an upsert, TRUNCATE) is refused by the database's own
    triggers (migration 0010), as an error of the database driver."""


def _refuse_flush(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"The audit log is append-only: event {target.id} cannot be changed or deleted.")


def watch() -> None:
    """Refuse, at flush, any change to or deletion of an AuditEvent loaded in a session (once per
    process; idempotent)."""
    if not event.contains(AuditEvent, "before_update", _refuse_flush):
        event.listen(AuditEvent, "before_update", _refuse_flush)
        event.listen(AuditEvent, "before_delete", _refuse_flush)
