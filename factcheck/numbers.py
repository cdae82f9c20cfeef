"""Reading whole numbers that forms and URLs send."""

from __future__ import annotations

#: Longer than any id, offset or count factcheck stores (and far below int()'s digit limit).
MAX_DIGITS = 15


def is_digits(value: str) -> bool:
    """True for 1 to MAX_DIGITS ASCII digits: `int(value)` is then a safe, sensible number.

    str.isdigit() alone is not enough: "²" and "٣" are digits to it, and int() refuses the first.
    """
    return 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit()
