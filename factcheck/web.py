"""What every page shares: fragment-or-page rendering, CSRF, security headers, errors, assets."""

from __future__ import annotations

import hmac
import mimetypes
import secrets
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request, session
from htmx_flask import request as htmx_request
from jinja2_fragments.flask import render_blocks
from werkzeug.exceptions import HTTPException

from factcheck.rendering import render_markdown

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


def render(template: str, blocks: list[str] | None = None, status: int = 200, **context: Any) -> Response:
    """Render the named blocks for an htmx fragment request, else the whole page."""
    if blocks and wants_fragment():
        body = render_blocks(template, blocks, **context)
    else:
        body = render_template(template, **context)
    response = Response(body, status=status, mimetype="text/html")
    response.vary.add("HX-Request")
    return response


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
        abort(400, description="This form has expired or did not come from factcheck. Reload the page and try again.")


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


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


def _error_page(error: HTTPException) -> Response:
    code = error.code or 500
    if code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        message = f"That upload is larger than the limit of {limit // 1024:,} KB. Split the article or trim it."
    elif code == 500:
        message = "The server hit an error; nothing was half-stored. Try again, and report it if it persists."
    else:
        message = error.description or ERROR_TITLES.get(code, "Error")
    context = {"code": code, "title": ERROR_TITLES.get(code, error.name), "message": message}
    if wants_fragment():
        # Shown in the page's message area, whatever the request's own target was.
        response = Response(render_template("errors/_message.html", **context), status=code)
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        template = [f"errors/{code}.html", "errors/error.html"]
        response = Response(render_template(template, **context), status=code)
    response.vary.add("HX-Request")
    return response


class _Internal(HTTPException):
    code = 500
    description = "Internal server error"


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


def init_app(app: Flask) -> None:
    """Register CSRF checking, headers, error pages and the asset route."""
    app.before_request(_check_csrf)
    app.after_request(_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.filters["markdown"] = render_markdown
    # A report holds many rationales, each within the rationale cap: allow it a larger one.
    app.jinja_env.filters["markdown_report"] = lambda text: render_markdown(text, limit=REPORT_PREVIEW_MAX_CHARS)
    app.jinja_env.globals["REPORT_PREVIEW_MAX_CHARS"] = REPORT_PREVIEW_MAX_CHARS
    for code in ERROR_TITLES:
        if code != 500:
            app.register_error_handler(code, _error_page)
    app.register_error_handler(500, lambda error: _error_page(_Internal()))
    app.register_blueprint(bp)
