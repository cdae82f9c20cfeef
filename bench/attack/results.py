"""The tally: probes tried and broken per category, and notes for the report."""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = [
    "1 huge ids", "2 malformed HX-Current-URL", "3 NUL in forms", "4 malformed exports (CLI)", "5 hostile uploads",
    "6 login throttle", "7 sessions", "8 SSRF", "9 leaks (blind, agreement)", "10 report inertness", "11 audit log",
    "12 authorization & CSRF",
]
SHOWN_FAILURES = 5


@dataclass
class Tally:
    tried: int = 0
    broke: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


RESULTS: dict[str, Tally] = {name: Tally() for name in CATEGORIES}


def category(number: int) -> str:
    """The category's name by its number (1 to 12)."""
    return CATEGORIES[number - 1]


def check(name: str, ok: bool, what: str) -> bool:
    """Count one probe; keep its description when it broke."""
    tally = RESULTS[name]
    tally.tried += 1
    if not ok:
        tally.broke.append(what)
    return ok


def note(name: str, words: str) -> None:
    RESULTS[name].notes.append(words)
    print(f"  [{name}] {words}", flush=True)
