"""Logging in and out, changing one's password, and the checks every request goes through:
who is signed in, and whether they may use the route (factcheck.domain.permissions)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from factcheck.db import get_session, transaction
from factcheck.domain import login_guard
from factcheck.domain.accounts import (
    USERNAME_MAX_CHARS,
    AccountError,
    HashParameters,
    any_user,
    authenticate,
    change_own_password,
    end_session,
    signed_in,
    start_session,
    touch_session,
)
from factcheck.domain.permissions import PERMISSIONS, check_access, check_review_rules
from factcheck.errors import Forbidden
from factcheck.models import User, utcnow
from factcheck.views.web import (
    audit_change,
    audit_refusal,
    csrf_token,
    current_page,
    html_response,
    refused_with,
    render,
    requested,
    wants_fragment,
)

bp = Blueprint("auth", __name__)

SESSION_TOKEN = "login"


def hash_params() -> HashParameters:
    """The app's argon2id cost (config ARGON2_TIME_COST, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM)."""
    return HashParameters.from_config(current_app.config)


def current_user() -> User | None:
    """The signed-in user of this request, if any."""
    return g.get("user")


def acting_user_id() -> int | None:
    """The id of the user making this request, for the history of what they change."""
    user = current_user()
    return user.id if user else None


def may(endpoint: str) -> bool:
    """Whether the signed-in user's role may use an endpoint at all, by the permission table:
    for showing links and panels (each request is checked again, assignment included)."""
    user = current_user()
    rule = PERMISSIONS[endpoint]
    return rule.public or (user is not None and (user.role in rule.roles or user.role in rule.assigned))


def signed_in_user() -> User:
    """The signed-in user; only for views the permission table keeps from anonymous users."""
    user = current_user()
    if user is None:
        abort(401)
    return user


@bp.get("/login")
def login_form() -> Response:
    """The log-in page."""
    return _login_page(_safe_next(request.args.get("next", "")))


def _login_page(target: str, error: str | None = None, username: str = "", status: int = 200) -> Response:
    # While nobody has an account the page says how to make the first admin.
    no_accounts = not any_user(get_session())
    return render("auth/login.html", next=target, error=error, username=username, no_accounts=no_accounts, status=status)


#: What a refused login says, by what is locked; neither tells whether the username exists.
_LOCKED = {
    login_guard.ACCOUNT_LOCKED: "Too many failed logins for this username: try again in {minutes} minutes.",
    login_guard.ADDRESS_LOCKED: "Too many failed logins from this address: try again in {minutes} minutes.",
}


@bp.post("/login")
def login() -> Response:
    """Check the password and sign this browser in, under a fresh session."""
    username = request.form.get("username", "")
    target = _safe_next(request.form.get("next", ""))
    limits = login_guard.LoginLimits.from_config(current_app.config)
    # Counted in transactions of its own: this answer, if a 401 or 429, rolls the request's back.
    engine = current_app.extensions["factcheck.engine"]
    locked, attempt = login_guard.attempt(engine, username, request.remote_addr, utcnow(), limits)
    if locked is not None:
        minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
        audit_refusal("lockout", username=username, detail=locked)
        kept = username if len(username.strip()) <= USERNAME_MAX_CHARS else ""
        return _login_page(target, _LOCKED[locked].format(minutes=minutes), kept, status=429)
    if len(username.strip()) > USERNAME_MAX_CHARS:
        # No account has such a name: refused before its password is hashed, a failure all the same
        # (kept cut short), so a flood of them meets the limit per address.
        audit_refusal("login_failed", username=username, detail="username too long")
        return _login_page(target, "Wrong username or password, or the account is switched off.", "", status=401)
    user = authenticate(get_session(), username, request.form.get("password", ""), hash_params())
    if user is None:
        error = "Wrong username or password, or the account is switched off."
        audit_refusal("login_failed", username=username)
        return _login_page(target, error, username, status=401)
    login_guard.withdraw(get_session(), attempt)  # with the login: kept if it is
    login_guard.clear_account(get_session(), username)
    _sign_in(user)
    audit_change("login", user=user)
    return redirect(target or url_for("articles.index"), code=303)


@bp.post("/logout")
def logout() -> Response:
    """End this browser's session on the server and clear its cookie."""
    token = session.get(SESSION_TOKEN)
    if token:
        end_session(get_session(), token)
        audit_change("logout")
    session.clear()
    return redirect(url_for("auth.login_form"), code=303)


@bp.get("/account/password")
def password_form() -> Response:
    """The form to change one's own password."""
    return render("auth/password.html", error=None, changed=False)


def _password_refused(error: AccountError) -> Response | None:
    return render("auth/password.html", error=str(error), changed=False, status=422)


@bp.post("/account/password")
@refused_with(_password_refused)
def change_password() -> Response:
    """Change one's password: every other signed-in browser of this user is signed out."""
    user = signed_in_user()
    form = request.form
    change_own_password(
        get_session(), user, form.get("current", ""), form.get("new", ""), form.get("confirm", ""), hash_params()
    )
    _sign_in(user)
    audit_change("password_changed")
    return render("auth/password.html", error=None, changed=True)


def _sign_in(user: User) -> None:
    """Start a server-side session for the user in a new cookie (no session fixation), with a new
    CSRF token: the cookie then stays the same until the next login or logout."""
    lifetime = dt.timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])
    token = start_session(get_session(), user, lifetime, utcnow())
    session.clear()
    session.permanent = True
    session[SESSION_TOKEN] = token
    csrf_token()


def _safe_next(target: str) -> str:
    """A local path to go to after logging in; anything else (another host, "//x") is dropped."""
    try:
        parts = urlsplit(target)
    except ValueError:  # "//[::1": not an address at all
        return ""
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target


def _load_user() -> None:
    rule = PERMISSIONS.get(request.endpoint or "")
    if request.endpoint in ("static", "web.htmx_js") or (rule is not None and rule.sessionless):
        g.user = None  # assets need no database round trip; public pages are the same for everyone
        return
    token = session.get(SESSION_TOKEN)
    if not token:
        g.user = None
        return
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    found = signed_in(get_session(), token, now, idle)
    g.user = found.user if found else None
    if found is None:
        session.pop(SESSION_TOKEN, None)  # ended, expired or idle too long on the server: forget it here too
    elif found.stale:
        # Its own short transaction, at most once a minute per session: a request that only reads
        # (a page the cache serves again, a 4xx that rolls back) still records the use.
        with transaction(current_app.extensions["factcheck.engine"]) as recording:
            touch_session(recording, found.login_id, now)


def _authorize() -> Response | None:
    """Send anonymous users of a closed route to log in; check everyone else's access (Forbidden)."""
    endpoint = request.endpoint
    rule = PERMISSIONS.get(endpoint) if endpoint else None
    if rule is not None and not rule.public and current_user() is None:
        return _login_required()
    try:
        check_access(get_session(), current_user(), endpoint, request.view_args or {})
    except Forbidden as refused:
        audit_refusal("forbidden", target=requested(), detail=str(refused))
        raise
    return None


def check_rules() -> None:
    """Refuse what the state of a claim or article forbids this user (blind review, merging)."""
    try:
        check_review_rules(get_session(), current_user(), request.endpoint, request.view_args or {})
    except Forbidden as refused:
        audit_refusal("forbidden", target=requested(), detail=str(refused))
        raise


def _login_required() -> Response:
    if wants_fragment():
        # htmx follows HX-Redirect with a full page load, whatever the status.
        path = current_page().path
        target = url_for("auth.login_form", next=_safe_next(path) or None)
        return html_response("Your session has ended. Log in again.", 401, redirect=target)
    target = request.full_path.rstrip("?") if request.method == "GET" else ""
    return redirect(url_for("auth.login_form", next=_safe_next(target) or None), code=303)


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie, marked Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Load the signed-in user and check permissions before every request."""
    app.session_interface = _SessionInterface()
    app.permanent_session_lifetime = dt.timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    app.before_request(_load_user)
    app.before_request(_authorize)
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["may"] = may
    app.register_blueprint(bp)
