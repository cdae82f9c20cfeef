"""factcheck: turn news articles into claims, sourced verdicts and reports."""

from __future__ import annotations

import os

from factcheck import _native

# The compiled splitter, if the install built it (factcheck/_native.py): before any submodule.
_native.install()

# `factcheck split` imports this package, and every millisecond of its start-up counts against a
# small batch: neither typing nor pathlib is imported here (type checkers read any name
# TYPE_CHECKING as typing's).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from flask import Flask


def _templates_dir() -> Path:
    from pathlib import Path

    # An installed wheel carries the templates inside the package; a source checkout
    # (editable install, tests) keeps them at the top level beside the package.
    package_dir = Path(__file__).resolve().parent
    packaged = package_dir / "templates"
    return packaged if packaged.is_dir() else package_dir.parent / "templates"


def _instance_path() -> str | None:
    configured = os.environ.get("FACTCHECK_INSTANCE_PATH")
    return os.path.realpath(configured) if configured else None


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the factcheck web app; config comes from defaults, instance/, FACTCHECK_* and test_config."""
    # Flask is imported here, not at the top: `factcheck split` imports this package, and
    # importing Flask would be most of its start-up time.
    from flask import Flask
    from htmx_flask import Htmx

    app = Flask(
        __name__,
        instance_path=_instance_path(),
        instance_relative_config=True,
        template_folder=str(_templates_dir()),
    )
    from factcheck import (
        articles,
        assignments,
        auth,
        blind,
        claims,
        config,
        db,
        editorial,
        export,
        review,
        scales,
        shaping,
        users,
        web,
    )

    config.load_config(app, test_config)
    Htmx(app)
    db.init_app(app)
    auth.init_app(app)  # before web: who may use a route is settled before its CSRF check
    web.init_app(app)
    users.init_app(app)
    app.register_blueprint(articles.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(claims.bp)
    app.register_blueprint(shaping.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(scales.bp)
    app.register_blueprint(assignments.bp)
    app.register_blueprint(blind.bp)
    app.register_blueprint(editorial.bp)
    return app
