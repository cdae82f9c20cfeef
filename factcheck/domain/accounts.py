"""Users, passwords and signed-in sessions: the logic behind login, logout and user management.

Passwords are hashed with argon2id (OWASP ASVS 5, V11.4). A signed-in browser holds a random
token in its (signed) session cookie; the database keeps only the token's SHA-256 in a
LoginSession row, so the server can end a session: logging out deletes that row, and changing a
password, resetting it or deactivating the user deletes every row of that user. A session also
ends at its expiry (SESSION_LIFETIME_HOURS after the login) and once unused for longer than the
idle limit (SESSION_IDLE_MINUTES): the row keeps when it was last used, to the minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam
from sqlmodel import Session, col, delete, func, select, update

from factcheck.domain.paging import Page, page_of
from factcheck.errors import InvalidInput, NotFound
from factcheck.models import LoginSession, User, utcnow
from factcheck.vocabulary import Role

USERNAME_MAX_CHARS = 40
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
PASSWORD_MIN_CHARS = 12  # ASVS 5 V6.2.1: at least 8; 12 recommended
PASSWORD_MAX_CHARS = 128  # ASVS 5 V6.2.9: at least 64 must be allowed
DISPLAY_NAME_MAX_CHARS = 100


class AccountError(InvalidInput):
    """A username, password or role that cannot be used; the message says why."""


@dataclass(frozen=True)
class HashParameters:
    """argon2id cost. The defaults are RFC 9106's second recommended option (64 MiB, t=3, p=4),
    above OWASP's minimum (19 MiB, t=2, p=1); tests lower them to stay fast."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HashParameters:
        """The cost an app is configured with (ARGON2_TIME_COST, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM)."""
        return cls(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])

    def hasher(self) -> PasswordHasher:
        """An argon2id hasher with these parameters."""
        return PasswordHasher(time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=self.parallelism)


# A hash to verify against when the username does not exist, so that a login attempt for an
# unknown user costs as long as one for a known user (no username enumeration by timing).
_DUMMY_HASHES: dict[HashParameters, str] = {}


def hash_password(password: str, params: HashParameters) -> str:
    """The argon2id hash of a password, with its parameters and salt encoded in it."""
    return params.hasher().hash(password)


def verify_password(password_hash: str, password: str, params: HashParameters) -> bool:
    """True if the password matches the hash."""
    try:
        return params.hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_username(username: str) -> str:
    """The username lower-cased, or AccountError if it is not 2-40 of a-z 0-9 . _ -."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        raise AccountError("A username is 2 to 40 characters: letters, digits, dots, dashes or underscores.")
    return username


def check_password(password: str, username: str = "") -> str:
    """The password, or AccountError if it is too short, too long or the username itself."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise AccountError(f"A password needs at least {PASSWORD_MIN_CHARS} characters.")
    if len(password) > PASSWORD_MAX_CHARS:
        raise AccountError(f"A password can be at most {PASSWORD_MAX_CHARS} characters.")
    if username and password.strip().lower() == username.lower():
        raise AccountError("The password must not be the username.")
    return password


def check_role(role: str) -> Role:
    """The Role named, or AccountError listing the roles."""
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise AccountError(f"There is no role {role!r}: use {', '.join(r.value for r in Role)}.") from None


def create_user(
    session: Session, username: str, password: str, role: str, params: HashParameters, display_name: str = ""
) -> User:
    """Add a user (committing is the caller's); AccountError if the input or the username is taken."""
    username = check_username(username)
    check_password(password, username)
    role_given = check_role(role)
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise AccountError(f"There is already a user called {username}.")
    user = User(
        username=username,
        display_name=_display_name(display_name),
        role=role_given,
        password_hash=hash_password(password, params),  # the costly step, once the rest is known good
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str, params: HashParameters) -> User | None:
    """The active user with this username and password, else None (same cost either way)."""
    user = find_user(session, username)
    if user is None:
        if params not in _DUMMY_HASHES:
            _DUMMY_HASHES[params] = hash_password(secrets.token_hex(16), params)
        verify_password(_DUMMY_HASHES[params], password, params)
        return None
    if not verify_password(user.password_hash, password, params) or not user.active:
        return None
    if params.hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password, params)
        session.add(user)
    return user


def set_password(session: Session, user: User, password: str, params: HashParameters) -> None:
    """Change a user's password and end every session they have (committing is the caller's)."""
    check_password(password, user.username)
    user.password_hash = hash_password(password, params)
    session.add(user)
    end_all_sessions(session, user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(session: Session, user: User, lifetime: dt.timedelta, now: dt.datetime | None = None) -> str:
    """Record a new signed-in browser for the user; returns the token for its cookie."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    session.add(LoginSession(token_hash=_token_hash(token), user_id=user.id, expires=now + lifetime, last_seen=now))
    return token


#: A session's last use is written at most this often: a request that only reads writes nothing
#: else, and an idle limit counted in minutes loses nothing by it.
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    """The user a token signs in, and whether the session's last use is due to be written."""

    user: User
    login_id: int
    stale: bool


#: Run on every request: built once (SQLAlchemy caches its SQL, but not the building). The times
#: are compared by the database, with the value each was stored as.
_SIGNED_IN = (
    select(User, LoginSession.id, col(LoginSession.last_seen) <= bindparam("touch_before"))
    .join(LoginSession, col(LoginSession.user_id) == User.id)
    .where(
        LoginSession.token_hash == bindparam("token_hash"),
        col(LoginSession.expires) > bindparam("now"),
        col(LoginSession.last_seen) > bindparam("idle_since"),
        User.active == True,  # noqa: E712
    )
)


def signed_in(session: Session, token: str, now: dt.datetime, idle: dt.timedelta | None = None) -> SignedIn | None:
    """Who is signed in with this token, unless the session has ended, expired (its absolute
    lifetime) or been idle longer than `idle` (None or zero: no idle limit)."""
    idle_since = now - idle if idle else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    params = {"token_hash": _token_hash(token), "now": now, "idle_since": idle_since, "touch_before": now - TOUCH_EVERY}
    row = session.exec(_SIGNED_IN, params=params).first()  # type: ignore[call-overload]
    if row is None:
        return None
    user, login_id, stale = row
    return SignedIn(user, login_id, bool(stale))


#: Written at most once a minute per session; the condition keeps two requests at once from both writing.
_TOUCH = (
    update(LoginSession)
    .where(col(LoginSession.id) == bindparam("login_id"), col(LoginSession.last_seen) <= bindparam("touch_before"))
    .values(last_seen=bindparam("now"))
)


def touch_session(session: Session, login_id: int, now: dt.datetime) -> None:
    """Record that a session was used now (committing is the caller's: at once, in a transaction
    of its own, so that a request that only reads stays that way)."""
    session.exec(_TOUCH, params={"login_id": login_id, "now": now, "touch_before": now - TOUCH_EVERY})  # type: ignore[call-overload]


def end_session(session: Session, token: str) -> None:
    """End one signed-in browser (logout)."""
    session.exec(delete(LoginSession).where(col(LoginSession.token_hash) == _token_hash(token)))


def end_all_sessions(session: Session, user: User) -> None:
    """End every signed-in browser of a user, and forget expired sessions of everyone."""
    session.exec(delete(LoginSession).where(col(LoginSession.user_id) == user.id))
    session.exec(delete(LoginSession).where(col(LoginSession.expires) <= utcnow()))


#: Users on one page of the users page.
USERS_PER_PAGE = 50


def users_by_name(session: Session, page: int = 1) -> Page[User]:
    """A page of the users, active first, by username."""
    return page_of(session, select(User).order_by(col(User.active).desc(), User.username), page, USERS_PER_PAGE)


def get_user(session: Session, user_id: int) -> User:
    """The user, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


def find_user(session: Session, username: str) -> User | None:
    """The user with this username (as typed: case and spaces do not matter), if any."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def update_user(session: Session, user: User, *, role: str, active: bool, display_name: str) -> None:
    """Change a user's role, display name or active flag; switching a user off ends their sessions.
    The last active admin keeps the role and stays active (AccountError)."""
    new_role = check_role(role)
    if user.role == Role.ADMIN and (new_role != Role.ADMIN or not active) and _active_admins(session) <= 1:
        raise AccountError(f"{user.username} is the last active admin: make another admin first.")
    user.display_name = _display_name(display_name)
    user.role = new_role
    if user.active and not active:
        end_all_sessions(session, user)
    user.active = active
    session.add(user)


def _display_name(value: str) -> str:
    return " ".join(value.split())[:DISPLAY_NAME_MAX_CHARS]


def _active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active == True)  # noqa: E712
    return session.exec(query).one()


def any_user(session: Session) -> bool:
    """Whether anyone has an account yet (the first admin is made on the command line)."""
    return session.exec(select(User.id).limit(1)).first() is not None


def change_own_password(
    session: Session, user: User, current: str, new: str, confirm: str, params: HashParameters
) -> None:
    """A user's own password change: the current one must be right and the new one typed twice
    alike; every session of theirs ends (the caller signs this browser in again)."""
    if not verify_password(user.password_hash, current, params):
        raise AccountError("The current password is wrong.")
    if new != confirm:
        raise AccountError("The new password and its confirmation differ.")
    set_password(session, user, new, params)


def users_by_id(session: Session) -> dict[int, User]:
    """Every user by id (for pages that name reviewers)."""
    return {user.id: user for user in session.exec(select(User)).all()}
