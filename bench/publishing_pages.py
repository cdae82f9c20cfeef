"""Time the publishing pages (public fact-checks, feed, dashboard, Reports) on an existing database.

    .venv/bin/python bench/publishing_pages.py DATABASE_URL [--runs 5] [--outlet NAME]

DATABASE_URL is a factcheck database at the latest revision, such as the 1,000,000-claim one
`bench/archive_scale.py` builds and keeps in its --cache-dir (run `factcheck db upgrade` on an
older one first). The
pages are timed in process (Flask test client; the admin pages signed in as a `benchadmin` admin,
made if missing), each the median of --runs after a warm-up, beside /login, the lightest page,
as the peer: the ratio column is page / login in the same run. Nothing else is written.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.models import Claim  # noqa: E402
from factcheck.vocabulary import ClaimStatus  # noqa: E402
from tests.conftest import FAST_HASHING, log_in, make_user  # noqa: E402

ADMIN = "benchadmin"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--outlet", default="The Guardian", help="the outlet the filtered pages show")
    args = parser.parse_args()
    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench", "MATCH_IN_BACKGROUND": False,
                      "PAGE_CACHE_MB": 0, "PUBLIC_BASE_URL": "https://factcheck.example.org", **FAST_HASHING})
    engine = app.extensions["factcheck.engine"]
    with Session(engine) as session:
        published = session.exec(select(Claim.id).where(Claim.status == ClaimStatus.PUBLISHED).limit(1)).first()
        claims = session.exec(select(Claim.id).order_by(Claim.id.desc()).limit(1)).first() or 0
    with contextlib.suppress(Exception):  # there from an earlier run
        make_user(app, ADMIN, "admin")
    admin, anonymous = app.test_client(), app.test_client()
    log_in(admin, ADMIN)
    pages = [
        (anonymous, "/login"),
        (anonymous, "/fact-checks/"),
        (anonymous, "/fact-checks/?page=1000000"),  # clamped to the last page
        (anonymous, "/fact-checks/feed.atom"),
        (anonymous, f"/fact-checks/{published}" if published else None),
        (admin, "/dashboard"),
        (admin, f"/dashboard?outlet={args.outlet}"),
        (admin, "/reports"),
        (admin, f"/reports?outlet={args.outlet}"),
        (admin, "/"),
    ]
    print(f"{args.database_url}: about {claims:,} claims; median of {args.runs} after a warm-up")
    print("| page | ms | × /login | bytes |\n|---|---:|---:|---:|")
    login_ms = None
    for client, path in pages:
        if path is None:
            continue
        ms, size = _time(client, path, args.runs)
        login_ms = login_ms or ms
        print(f"| `{path}` | {ms:,.1f} | {ms / login_ms:,.0f} | {size:,} |", flush=True)
    engine.dispose()


def _time(client, path: str, runs: int) -> tuple[float, int]:  # noqa: ANN001
    client.get(path)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"publishing_pages: {path} answered {response.status_code}")
    return statistics.median(times), len(response.data)


if __name__ == "__main__":
    main()
