"""Configuration: defaults < instance/config.py < FACTCHECK_* environment < test_config."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

#: Defaults; every key can be overridden by instance/config.py or FACTCHECK_<KEY>.
DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: sqlite file instance/factcheck.sqlite
    "SECRET_KEY": None,  # None: generated once into instance/secret_key
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # uploads and form posts, bytes
    # An article longer, or splitting into more claims, is refused whole (pasted, uploaded,
    # fetched or imported): every page stays bounded whatever is stored.
    "ARTICLE_MAX_CHARS": 1_000_000,
    "ARTICLE_MAX_CLAIMS": 5_000,
    "ARCHIVE_UPLOAD_MAX_MB": 64,  # an archive file uploaded on the Archive page (the CLI has no limit)
    # Claims still under review whose earlier checks are looked for again after an archive import:
    # the newest this many (the upload page's import waits for it; the CLI's shows a summary).
    "MATCH_REFRESH_LIMIT": 2000,
    # New claims' earlier checks are found by a background thread of each web process once the
    # import has answered; False leaves them to be found as each claim is opened.
    "MATCH_IN_BACKGROUND": True,
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # Importing from a URL refuses loopback/private/link-local hosts unless this is true
    # (tests serve pages on 127.0.0.1; an intranet deployment may want it too).
    "FETCH_PRIVATE_ADDRESSES": False,
    # Hosts that may be on a private network even so: exact names, or "*.example.org" for the
    # names under example.org. A JSON list in FACTCHECK_FETCH_PRIVATE_HOSTS, or names and commas.
    "FETCH_PRIVATE_HOSTS": [],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # The cookie is Secure whenever the request came over https; set this to force it always.
    "SESSION_COOKIE_SECURE": False,
    "SESSION_LIFETIME_HOURS": 12,  # a login ends this long after it was made, however it is used
    # ...or once unused for this long (the server keeps each session's last use); 0: no idle limit.
    "SESSION_IDLE_MINUTES": 30,
    # Proxies in front of the app whose X-Forwarded-For/-Proto headers are believed (-Host and -Port never)
    # (Werkzeug's ProxyFix); 0: none, the headers are ignored. 1 behind a single TLS proxy.
    "TRUSTED_PROXIES": 0,
    # Strict-Transport-Security max-age sent on answers over https; 0 sends none.
    "HSTS_SECONDS": 31_536_000,
    # A login lasts SESSION_LIFETIME_HOURS from when it was made (the server keeps its expiry), so
    # the cookie need not be signed and sent again on every answer.
    "SESSION_REFRESH_EACH_REQUEST": False,
    # Pages kept in each server process's memory and served again until something on them changes
    # (factcheck.views.page_cache); 0 turns this off.
    "PAGE_CACHE_MB": 8,  # a worker stays within 120 MB (bench/README.md, "Memory per worker")
    # After this many failed logins for one username within the window, its logins are refused;
    # after LOGIN_MAX_FAILURES_PER_ADDRESS from one client address (0: no limit), logins from
    # there. Counted in the database (factcheck.domain.login_guard), by every server process.
    "LOGIN_MAX_FAILURES": 10,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 50,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,  # failures older than this no longer count
    # argon2id cost for passwords: RFC 9106's second recommended option (above OWASP's minimum).
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_KIB": 65536,
    "ARGON2_PARALLELISM": 4,
    # Publishing (factcheck.views.public): who signs the public fact-checks and their ClaimReview,
    # the address the app is served at (for absolute URLs made outside a request, such as by
    # `factcheck export --format claimreview`; "" in a request: the request's own host), and
    # whether the public pages name the reviewer and approver ("names") or say "the desk".
    "ORGANISATION_NAME": "Fact-check desk",
    "ORGANISATION_URL": "",
    "PUBLIC_BASE_URL": "",
    "PUBLIC_CREDITS": "names",
}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill `app.config` in precedence order and supply what must exist."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FACTCHECK")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "factcheck.sqlite")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["FETCH_PRIVATE_HOSTS"] = _host_names(app.config["FETCH_PRIVATE_HOSTS"])


def bundled(name: str) -> Path:
    """A folder of the project's that an installed wheel carries inside the package (templates,
    migrations) and a source checkout keeps at the top level, beside the package."""
    package_dir = Path(__file__).resolve().parent
    packaged = package_dir / name
    return packaged if packaged.is_dir() else package_dir.parent / name


def _host_names(setting: str | list[str]) -> list[str]:
    """FETCH_PRIVATE_HOSTS as a list: the environment gives a string unless it is a JSON list."""
    names = setting.replace(",", " ").split() if isinstance(setting, str) else list(setting)
    if not all(isinstance(name, str) for name in names):
        raise ValueError(f"FETCH_PRIVATE_HOSTS: host names are text, not {names!r}")
    return names


def _create_once(path: Path, text: str) -> None:
    """Write `text` to a new file at `path` (mode 0600), unless a file is there already."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "w") as file:
        file.write(text)


def _instance_secret(instance: Path) -> str:
    """Read, or create once, a random secret kept beside the database (survives restarts)."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner only: it holds the database
        # Several server processes may start at once: the key is written whole under a name of
        # its own, then linked into place, which fails if another process got there first. Every
        # process then reads the one key that was placed (sessions hold in all of them).
        handle, written = tempfile.mkstemp(prefix=".secret_key.", dir=instance)  # mode 0600
        try:
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_hex(32))
            os.link(written, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: create the file only if it is not there
            _create_once(path, Path(written).read_text())
        finally:
            os.unlink(written)
    return path.read_text().strip()
