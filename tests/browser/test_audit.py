"""An admin opens the audit log, filters it by kind and downloads what it shows as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlmodel import Session

from factcheck.domain import audit

pytestmark = pytest.mark.browser


@pytest.fixture
def recorded(live_app: Flask) -> None:
    """Two lockouts and a failed login with an injected line break, besides the admin's login to come."""
    with Session(live_app.extensions["factcheck.engine"]) as session:
        for username in ("rita", "eve"):
            audit.record(session, "lockout", user=None, username=username, address="10.0.0.7")
        audit.record(session, "login_failed", user=None, username="admin\nlogin ok", address="10.0.0.8")
        session.commit()


def test_an_admin_filters_the_audit_log_and_downloads_it(page, console_log, recorded) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    rows = page.locator("table.audit-log tbody tr")
    expect(rows).to_have_count(4)  # the admin's login too
    expect(page.get_by_role("cell", name="admin\\nlogin ok")).to_be_visible()  # escaped, one line

    page.get_by_label("Kind").select_option("lockout")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/audit?kind=lockout**")
    expect(rows).to_have_count(2)
    expect(rows.locator("td:nth-of-type(3)")).to_have_text(["eve", "rita"])  # newest first

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download JSON lines").click()
    download = download_info.value
    assert download.suggested_filename == "audit.jsonl"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["kind"], r["username"], r["address"]) for r in records] == [
        ("lockout", "eve", "10.0.0.7"), ("lockout", "rita", "10.0.0.7")
    ]
    assert console_log.page_errors == [] and console_log.errors == []
