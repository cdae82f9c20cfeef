"""The one exception hierarchy: what a request or a command cannot do, and why, in the reviewer's words.

Every layer raises these (the domain, the ingest and extract packages, the views, the CLI), and
nothing here imports anything: `factcheck split` uses them too. The web app maps each to its
HTTP status in one place (factcheck/views/web.py): a fragment for htmx, a page otherwise, and
the request's changes rolled back. The CLI prints the message on one line and exits 1.
"""


class FactcheckError(Exception):
    """Something factcheck refuses to do; the message says why and, where it can, what to do instead."""

    #: The HTTP status the web app answers with.
    status = 400


class InvalidInput(FactcheckError, ValueError):
    """Input a reviewer can fix: a field that is empty, too long, not a date, not on the scale."""

    status = 422


class Forbidden(FactcheckError):
    """This user may not do this (their role, or a rule of the workflow); the message gives the reason."""

    status = 403


class NotFound(FactcheckError, LookupError):
    """The article, claim, source, scale or user named is not stored (any more)."""

    status = 404


class Conflict(FactcheckError):
    """The request conflicts with the state it found: an edit made on an older version, a scale
    already in use, an article already imported, a claim already signed off."""

    status = 409


# --- Start-up: not a request's or a command's input, but the database it runs on ---------------


class DatabaseOutOfDate(RuntimeError):
    """The database is not at the revision this factcheck needs; the message says what to run."""


class MigrationFailed(RuntimeError):
    """A migration refused to finish (and changed nothing); the message says why."""
