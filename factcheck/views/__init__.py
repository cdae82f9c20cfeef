"""The web app's views: one blueprint per feature, each view thin (parse, call the domain, render).

In the order a request meets them: web.py (rendering, errors, CSRF, headers) and auth.py (who is
signed in, and the one access check, factcheck.domain.permissions.check_access), then the
features. A view's rules and queries live in factcheck.domain, its page in
templates/<blueprint>/.
"""

from __future__ import annotations

from flask import Flask

from factcheck.views import (
    archive,
    articles,
    assignments,
    audit,
    auth,
    blind,
    claims,
    dashboard,
    editorial,
    export,
    page_cache,
    public,
    reports,
    review,
    scales,
    search,
    seen_before,
    shaping,
    users,
    web,
)


def init_app(app: Flask) -> None:
    """Register the request hooks and every blueprint."""
    auth.init_app(app)  # before web: who may use a route is settled before its CSRF check
    web.init_app(app)
    page_cache.init_app(app)
    # After the CSRF check: a form that did not come from factcheck is told so first.
    app.before_request(auth.check_rules)
    for blueprint in (articles, review, claims, shaping, export, scales, assignments, blind, editorial, users, search,
                      seen_before, archive, dashboard, reports, audit):
        app.register_blueprint(blueprint.bp)
    app.register_blueprint(public.bp)  # the published fact-checks, for readers without a login
