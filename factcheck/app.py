"""The app factory: settings, htmx, the database and its unit of work, and the views."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from factcheck import config, db, views
from factcheck.views.web import RowId


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
    app.url_map.converters["int"] = RowId  # before any route is added
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        # Behind a TLS proxy: take the client's scheme and address from X-Forwarded-Proto and -For
        # (so cookies are Secure, HSTS is sent over https, failed logins counted per visitor), from
        # that many proxies only. Not -Host or -Port: a proxy that passes on the client's own would
        # let anyone choose the host in the public pages' links, which shared caches keep.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0)  # type: ignore[method-assign]
    Htmx(app)
    db.init_app(app, check_database=check_database)
    views.init_app(app)
    return app
