"""The trained matcher: `matcher_model.json`, written by `scripts/train_matcher.py`, read once."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("matcher_model.json")


@cache
def load_model() -> dict:
    """The shipped model: idf tables, average field lengths, feature weights."""
    return json.loads(MODEL_PATH.read_bytes())


@cache
def model_version() -> str:
    """Which model scores matches, to store beside them: "matcher-<version>-<first 12 hex of sha256>"."""
    raw = MODEL_PATH.read_bytes()
    return f"matcher-{json.loads(raw)['version']}-{hashlib.sha256(raw).hexdigest()[:12]}"
