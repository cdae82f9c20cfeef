"""factcheck: turn news articles into claims, sourced verdicts and reports.

The web app is built by `create_app` (factcheck/app.py). This module imports nothing at all:
`factcheck split` lives in the same package and its start-up time counts, so Flask and the
database layer load only when an app is made.
"""


def create_app(test_config=None):  # noqa: ANN001, ANN201 (typed in factcheck.app; see above)
    """Build the factcheck web app: see factcheck.app.create_app."""
    from factcheck.app import create_app as build

    return build(test_config)
