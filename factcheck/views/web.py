"""What every page shares: fragment-or-page rendering, refusals and error pages, CSRF, security headers, assets,
and the addresses and signature of published work.

One path for errors: every refusal is a factcheck.errors exception (or an HTTP error), answered
by `error_response` as a small fragment for htmx and a page otherwise, after the request's unit
of work is rolled back (factcheck.db). A view that shows its refusals in place (a claim card
with its message, a form with what the reviewer typed) names the function that draws them with
`@refused_with`; anything it does not draw, and everything raised before a view runs, takes the
common path.
"""

from __future__ import annotations

import functools
import hmac
import mimetypes
import secrets
from collections.abc import Callable
from importlib import resources
from typing import Any
from urllib.parse import SplitResult, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    session,
    url_for,
)
from htmx_flask import make_response
from htmx_flask import request as htmx_request
from jinja2_fragments.flask import render_blocks
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from factcheck import db
from factcheck.domain import audit
from factcheck.errors import FactcheckError, InvalidInput, NotFound
from factcheck.models import utcnow
from factcheck.rendering import render_markdown
from factcheck.report.claimreview import Organisation

bp = Blueprint("web", __name__)

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Above this the report preview shows the Markdown as text: rendering is linear but not free,
#: and the preview must stay fast even for hostile rationales (see bench/markdown_pathological.py).
REPORT_PREVIEW_MAX_CHARS = 50_000

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page (not boosted, not a history restore)."""
    return bool(htmx_request.htmx) and not htmx_request.htmx.boosted and not htmx_request.htmx.history_restore_request


def current_page() -> SplitResult:
    """The address of the page an htmx request was made from (HX-Current-URL), in parts; empty
    when the header is missing or is not an address (`http://[::1` raises in urlsplit)."""
    try:
        return urlsplit(htmx_request.htmx.current_url or "")
    except ValueError:
        return urlsplit("")


def render(
    template: str, blocks: list[str] | None = None, status: int = 200, htmx: dict[str, Any] | None = None, **context: Any
) -> Response:
    """Render the named blocks for an htmx fragment request, else the whole page; `htmx` holds
    htmx response headers, as html_response takes them."""
    fragment = bool(blocks) and wants_fragment()
    body = render_blocks(template, blocks, **context) if fragment else render_template(template, **context)
    return html_response(body, status, **(htmx or {}))


def html_response(body: str, status: int = 200, **htmx_headers: Any) -> Response:
    """An HTML response that says it differs by HX-Request, with htmx response headers
    (htmx_flask.make_response's keywords: retarget, reswap, trigger, trigger_after_settle...)."""
    response = make_response(body, status, **htmx_headers)
    response.vary.add("HX-Request")
    return response


# --- Refusals and errors ----------------------------------------------------------------------


Refusal = Callable[..., Response | None]


def refused_with(show: Refusal) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Draw this view's refusals with `show(error, **view_args)`, after the unit of work is rolled back.

    `show` returns the response (the card with its message, the form as it was sent), or None
    to leave the error to the common error page. NotFound always takes the common path.
    """

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def run(**view_args: Any) -> Response:
            try:
                return view(**view_args)
            except NotFound:
                raise
            except FactcheckError as error:
                db.rollback()
                response = show(error, **view_args)
                if response is None:
                    raise
                return response

        return run

    return decorate


ERROR_TITLES = {
    400: "Bad request",
    401: "Log in first",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Edit conflict",
    413: "Upload too large",
    422: "Cannot use that input",
    429: "Too many attempts",
    500: "Something went wrong",
}


def error_response(code: int, message: str, title: str | None = None) -> Response:
    """The error as a message in the page's message area for htmx, else as an error page."""
    context = {"code": code, "title": title or ERROR_TITLES.get(code, "Error"), "message": message}
    if wants_fragment():
        # Shown in the claim's editor when the request came from it (htmx names the element it
        # swaps into in HX-Target: the editor, or for its shaping forms the list holding it),
        # else in the page's message area.
        body = render_template("errors/_message.html", **context)
        return html_response(body, code, retarget=_message_area(), reswap="innerHTML")
    return html_response(render_template([f"errors/{code}.html", "errors/error.html"], **context), code)


def _message_area() -> str:
    claim_id = (request.view_args or {}).get("claim_id")
    target = request.headers.get("HX-Target")
    # Only the open editor's forms post to a claim's URL and swap the list (split, merge, dismiss, restore).
    if claim_id is not None and target in (f"claim-{claim_id}", "claims"):
        return f"#claim-{claim_id}-message"
    if target == "claims":  # the list's own forms (bulk changes): above the rows
        return "#list-message"
    return "#messages"


def _refused(error: FactcheckError) -> Response:
    db.rollback()
    return error_response(error.status, str(error))


#: Path prefix -> the 404 page of that part of the site (the public pages have their own, with no
#: login or session): used for addresses no route matches too, such as an id past the integer.
NOT_FOUND_PAGES: dict[str, Callable[[HTTPException], Response]] = {}


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    if code == 404:
        for prefix, page in NOT_FOUND_PAGES.items():
            if request.path.startswith(prefix):
                return page(error)
    if code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        message = f"That upload is larger than the limit of {limit // 1024:,} KB. Split the article or trim it."
    else:
        message = error.description or ERROR_TITLES.get(code, "Error")
    return error_response(code, message, ERROR_TITLES.get(code, error.name))


def _internal_error(_error: BaseException) -> Response:
    db.rollback()
    return error_response(500, "The server hit an error; nothing was half-stored. Try again, and report it if it persists.")


# --- The audit log ------------------------------------------------------------------------------


def client_address() -> str:
    """The address the request came from (the visitor's, behind TRUSTED_PROXIES)."""
    return request.remote_addr or ""


def audit_change(kind: str, *, target: str = "", detail: str = "", user: Any = None) -> None:
    """Record an event of this request's change in its unit of work: kept only if the change is."""
    audit.record(db.get_session(), kind, user=user or g.get("user"), address=client_address(), target=target,
                 detail=detail)


def audit_refusal(kind: str, *, target: str = "", detail: str = "", username: str | None = None) -> None:
    """Record an event of a refused request in a short transaction of its own: the request's own
    unit of work is rolled back (factcheck.db), and the event must stay. A refusal anyone can
    cause without an account is recorded once a minute per address (audit.ANONYMOUS_ONCE_A_MINUTE)."""
    user = g.get("user")
    address = client_address()
    with db.transaction(current_app.extensions["factcheck.engine"]) as session:
        if user is None and kind in audit.ANONYMOUS_ONCE_A_MINUTE and audit.recorded_lately(session, kind, address, utcnow()):
            return
        audit.record(session, kind, user=user, username=username, address=address, target=target, detail=detail)


def requested() -> str:
    """The request as an audit event's target: its method and path."""
    return f"{request.method} {request.path}"


# --- CSRF, headers, assets --------------------------------------------------------------------


def csrf_token() -> str:
    """The session's CSRF token, created on first use; every form and htmx request sends it back."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_hex(32)
    return session[CSRF_FIELD]


def _check_csrf() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        audit_refusal("csrf_refused", target=requested())
        abort(400, description="This form has expired or did not come from factcheck. Reload the page and try again.")


def _refuse_nul() -> None:
    """Refuse a NUL character in any field or query value: PostgreSQL cannot store one in text,
    and no reviewer types one (a 400 before anything is read or written)."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description="The form or address holds a NUL character, which factcheck does not store. "
                                       "Remove it and try again.")


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if getattr(g, "user", None) is not None:
        # A signed-in page holds the newsroom's unpublished work: no browser or proxy keeps a copy.
        response.headers["Cache-Control"] = "no-store"
    hsts = int(current_app.config["HSTS_SECONDS"])
    if request.is_secure and hsts > 0:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}")
    return response


class RowId(IntegerConverter):
    """`<int:...>` in every route: a row id, so at most 2**31 - 1 (PostgreSQL's integer). A bigger
    number is a 404 like any id not stored, not an overflow in the database driver."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002, ANN001 (Werkzeug's signature)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


@bp.get("/assets/htmx.min.js")
def htmx_js() -> Response:
    """htmx 2, served from the installed django-js-lib-htmx package (no CDN, no copy in this repo)."""
    return _package_asset("js_lib_htmx", "static/htmx/htmx.min.js")


def _package_asset(package: str, path: str) -> Response:
    try:
        data = resources.files(package).joinpath(path).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        abort(404)
    response = Response(data, mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


#: Endpoints that take files bigger than MAX_CONTENT_LENGTH, and the setting (MB) that caps them.
LARGE_UPLOADS = {"archive.upload": "ARCHIVE_UPLOAD_MAX_MB"}


def _upload_limit() -> None:
    setting = LARGE_UPLOADS.get(request.endpoint or "")
    if setting:
        request.max_content_length = int(current_app.config[setting]) * 1024 * 1024


# --- Published work: who signs it, and addresses readers elsewhere can follow ------------------


def organisation() -> Organisation:
    """The organisation that publishes the fact-checks (ORGANISATION_NAME, ORGANISATION_URL)."""
    return Organisation(str(current_app.config["ORGANISATION_NAME"]), str(current_app.config["ORGANISATION_URL"] or ""))


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of a public page: under PUBLIC_BASE_URL when it is set, else under
    the request's own host; outside a request without PUBLIC_BASE_URL, InvalidInput saying so."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        # The route's path alone (url_for outside a request needs SERVER_NAME), under the base.
        return base.rstrip("/") + current_app.url_map.bind("localhost").build(endpoint, values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    raise InvalidInput(
        "Public addresses need PUBLIC_BASE_URL: set FACTCHECK_PUBLIC_BASE_URL to the address factcheck "
        "is served at, such as https://factcheck.example.org."
    )


def claim_page_url(claim_id: int) -> str:
    """The absolute address of a published claim's public page (its ClaimReview `url`)."""
    return public_url("public.show", claim_id=claim_id)


def init_app(app: Flask) -> None:
    """Register CSRF checking, headers, the error handlers, template helpers and the asset route."""
    app.before_request(_upload_limit)  # before the CSRF check, which reads the form
    app.before_request(_refuse_nul)
    app.before_request(_check_csrf)
    app.after_request(_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.filters["markdown"] = render_markdown
    # A report holds many rationales, each within the rationale cap: allow it a larger one.
    app.jinja_env.filters["markdown_report"] = lambda text: render_markdown(text, limit=REPORT_PREVIEW_MAX_CHARS)
    app.jinja_env.globals["REPORT_PREVIEW_MAX_CHARS"] = REPORT_PREVIEW_MAX_CHARS
    app.register_error_handler(FactcheckError, _refused)
    for code in ERROR_TITLES:
        if code != 500:
            app.register_error_handler(code, _http_error)
    app.register_error_handler(500, _internal_error)
    app.register_blueprint(bp)
