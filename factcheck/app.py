"""The app factory: settings, htmx, the database and its unit of work, and the views."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from htmx_flask import Htmx

from factcheck import config, db, views


def create_app(test_config: dict[str, Any] | None = None, *, check_database: bool = True) -> Flask:
    """Build the factcheck web app; config comes from defaults, instance/, FACTCHECK_* and test_config.

    Stops with factcheck.schema.DatabaseOutOfDate when the database is not at the latest schema
    revision (`check_database` False skips that, for `factcheck db ...` alone).
    """
    configured = os.environ.get("FACTCHECK_INSTANCE_PATH")
    app = Flask(
        "factcheck",
        instance_path=os.path.realpath(configured) if configured else None,
        instance_relative_config=True,
        template_folder=str(config.bundled("templates")),
    )
    config.load_config(app, test_config)
    Htmx(app)
    db.init_app(app, check_database=check_database)
    views.init_app(app)
    return app
