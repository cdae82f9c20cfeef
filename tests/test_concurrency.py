"""Twenty reviewers saving overlapping claims against a live server: no acknowledged save is lost."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "concurrent_reviewers.py"


def _bench():
    spec = importlib.util.spec_from_file_location("concurrent_reviewers", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_twenty_concurrent_reviewers_lose_no_acknowledged_save(database_url):
    """On SQLite, and on PostgreSQL in the suite's second pass."""
    result = _bench().run(seconds=5, reviewers=20, claims=5, database_url=database_url)
    assert result.ok, result.report()
    assert result.statuses[200] > 0 and result.statuses[409] > 0  # both paths were taken
    assert set(result.statuses) <= {200, 409}
    assert result.locked == 0
