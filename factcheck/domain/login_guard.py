"""The login throttle: failed logins counted in the database, per account and per client address.

Every attempt is recorded as a failure before its password is checked (so parallel guesses count
too), in a transaction of its own that the caller commits at once: the login's answer is a 401 or
a 429, whose unit of work is rolled back. A success then takes back its own attempt and clears the
account's failures. Logins for an account are refused after LOGIN_MAX_FAILURES failures within
the window, and logins from an address after LOGIN_MAX_FAILURES_PER_ADDRESS: one address trying
many usernames is stopped, and made-up usernames cannot push an account's failures out of
anything (there is no table to overflow, only rows, pruned by age). Whether a username exists
changes nothing here, so a lock tells nobody which accounts there are.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam
from sqlmodel import Session, col, delete, func, select

from factcheck.domain.accounts import USERNAME_MAX_CHARS
from factcheck.models import LoginFailure

ACCOUNT = "account"
ADDRESS = "address"
#: A username is at most USERNAME_MAX_CHARS; anything longer is no account, but is counted cut to
#: that, so that a row stays small whatever is typed.
KEY_MAX_CHARS = USERNAME_MAX_CHARS
#: A client address as counted and as the audit log keeps it (an IPv6 address is at most 45).
ADDRESS_MAX_CHARS = 64
#: Old rows of every key deleted with each new attempt: more than an attempt adds, so the table
#: holds little more than the window's attempts, and no write deletes an unbounded number.
PRUNE_BATCH = 100

ACCOUNT_LOCKED = "account"
ADDRESS_LOCKED = "address"


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins are allowed within `window`, per account and per address (0: no
    limit per address)."""

    per_account: int = 10
    per_address: int = 50
    window: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoginLimits:
        """The limits an app is configured with (LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS,
        LOGIN_FAILURE_WINDOW_MINUTES)."""
        return cls(
            int(config["LOGIN_MAX_FAILURES"]),
            int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
            dt.timedelta(minutes=int(config["LOGIN_FAILURE_WINDOW_MINUTES"])),
        )


def account_key(username: str) -> str:
    """The username as an account is found by it (case and spaces do not matter), cut short."""
    return username.strip().lower()[:KEY_MAX_CHARS]


def address_key(address: str | None) -> str:
    """The client address as counted: an IPv4 address as is (also when IPv4-mapped), an IPv6
    address by its /64 network, which one client holds whole; anything else as given, cut short."""
    text = (address or "").strip()
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        return text[:ADDRESS_MAX_CHARS]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    return [(ACCOUNT, account_key(username)), (ADDRESS, address_key(address))]


#: Run on every login attempt: built once.
_COUNT = (
    select(func.count())
    .select_from(LoginFailure)
    .where(LoginFailure.kind == bindparam("kind"), LoginFailure.key == bindparam("key"))
    .where(col(LoginFailure.at) > bindparam("since"))
)


def failures(session: Session, kind: str, key: str, since: dt.datetime) -> int:
    """How many failures are recorded for this key after `since`."""
    return session.exec(_COUNT, params={"kind": kind, "key": key, "since": since}).one()  # type: ignore[call-overload]


def locked(session: Session, username: str, address: str | None, now: dt.datetime, limits: LoginLimits) -> str | None:
    """Why logins for this username from this address are refused now (ACCOUNT_LOCKED or
    ADDRESS_LOCKED), or None: a key is locked once it has its limit of failures in the window."""
    since = now - limits.window
    if failures(session, ACCOUNT, account_key(username), since) >= limits.per_account:
        return ACCOUNT_LOCKED
    if limits.per_address and failures(session, ADDRESS, address_key(address), since) >= limits.per_address:
        return ADDRESS_LOCKED
    return None


def record_failure(session: Session, username: str, address: str | None, now: dt.datetime, window: dt.timedelta) -> list[int]:
    """Record a failed (or not yet checked) login for the account and the address, delete the
    rows of both keys that are past the window and a batch of anyone's; returns the new rows' ids
    (for `withdraw`). Committing is the caller's: at once, whatever the login's answer."""
    cutoff = now - window
    rows = [LoginFailure(kind=kind, key=key, at=now) for kind, key in _keys(username, address)]
    for kind, key in _keys(username, address):
        expired = (LoginFailure.kind == kind, LoginFailure.key == key, col(LoginFailure.at) <= cutoff)
        session.exec(delete(LoginFailure).where(*expired))
    old = select(LoginFailure.id).where(col(LoginFailure.at) <= cutoff).limit(PRUNE_BATCH)
    session.exec(delete(LoginFailure).where(col(LoginFailure.id).in_(old.scalar_subquery())))
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows if row.id is not None]


def attempt(
    engine: Engine, username: str, address: str | None, now: dt.datetime, limits: LoginLimits
) -> tuple[str | None, list[int]]:
    """Count a login attempt before its password is checked, in transactions of its own (committed
    whatever the login's answer): refused (why, and nothing kept) if the account or the address
    is locked; otherwise recorded as a failure, then counted again with the attempts made
    meanwhile, by every process, so that of parallel attempts at most the limit go on. Returns
    (why refused or None, the ids recorded: a success takes them back with `withdraw`)."""
    with Session(engine) as session:
        why = locked(session, username, address, now, limits)
        if why is not None:
            return why, []
        ids = record_failure(session, username, address, now, limits.window)
        session.commit()  # seen by every other attempt before this one is counted again
        since = now - limits.window
        if failures(session, ACCOUNT, account_key(username), since) > limits.per_account:
            why = ACCOUNT_LOCKED
        elif limits.per_address and failures(session, ADDRESS, address_key(address), since) > limits.per_address:
            why = ADDRESS_LOCKED
        if why is not None:
            withdraw(session, ids)  # a refused attempt does not count: the lock ends with the window
            session.commit()
            ids = []
        return why, ids


def withdraw(session: Session, ids: Sequence[int]) -> None:
    """Take back the failures recorded for an attempt (it succeeded, or was refused anyway)."""
    if ids:
        session.exec(delete(LoginFailure).where(col(LoginFailure.id).in_(list(ids))))


def clear_account(session: Session, username: str) -> None:
    """Forget the failures of an account that has just logged in (its address's stay)."""
    session.exec(delete(LoginFailure).where(LoginFailure.kind == ACCOUNT, LoginFailure.key == account_key(username)))
