"""What a reviewer types in the search box, read as terms: plain words (every one must be there),
"quoted phrases" (the words in that order) and prefixes (`refug*`). Nothing else in the string
means anything: punctuation only separates words, so a query is always searched, never run as
full-text syntax, and each database's expression is written here from the terms alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.errors import InvalidInput

#: Longer queries are refused: a search box, not a document.
MAX_QUERY_LENGTH = 300
#: Terms beyond these are refused, so one query stays one index look-up per term.
MAX_TERMS = 12

_PIECES = re.compile(r'"([^"]*)"?|(\S+)')
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One term: its words (letters and digits only), and whether the last is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def parse(text: str) -> list[Term]:
    """The terms of a query; InvalidInput (one line) for one that is empty, too long, or has too many."""
    text = text.strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"A search can be at most {MAX_QUERY_LENGTH} characters long.")
    terms: list[Term] = []
    for phrase, piece in _PIECES.findall(text):
        words = tuple(word.lower() for word in _WORDS.findall(phrase or piece))
        if words:
            terms.append(Term(words, prefix=bool(piece) and piece.endswith("*") and len(words) == 1))
    if not terms:
        raise InvalidInput("Type a word to search for: letters or digits.")
    if len(terms) > MAX_TERMS:
        raise InvalidInput(f"A search can have at most {MAX_TERMS} words or phrases.")
    return terms


def fts5(terms: list[Term]) -> str:
    """SQLite FTS5's expression: every term, each a quoted string ("a b" is a phrase there too)."""
    return " AND ".join(f'"{" ".join(term.words)}"' + ("*" if term.prefix else "") for term in terms)


def tsquery(terms: list[Term]) -> str:
    """PostgreSQL's to_tsquery text: `&` between terms, `<->` within a phrase, `:*` for a prefix.
    The words are letters and digits only, so none is an operator."""
    parts = []
    for term in terms:
        words = [f"'{word}'" for word in term.words]
        if term.prefix:
            words[-1] += ":*"
        parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def any_of(words: list[str]) -> tuple[str, str]:
    """An OR of plain words (the matcher's first stage): as FTS5's expression and as to_tsquery's."""
    words = [word for word in words if _WORDS.fullmatch(word)]
    return " OR ".join(f'"{word}"' for word in words), " | ".join(f"'{word}'" for word in words)
