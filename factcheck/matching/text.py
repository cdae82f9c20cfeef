"""Text for claim matching: tweet boilerplate stripped, words folded and stemmed, query terms chosen.

Pure Python (standard library only). The ranker and the training script read text through the
same functions here, so training and run time cannot disagree. `signature` and `query_terms` pick
the rare words the first stage indexes and looks up, weighed by the idf values shipped in the
model file; `best_by_terms` is that lookup in memory, for the training script.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from factcheck.matching.model import load_model

#: Longest text read: a claim or tweet is a few hundred characters; more is pasted noise.
MAX_CHARS = 20_000
#: Longest word offered to the database: anything longer is a pasted hash or base64, not a word.
MAX_TERM = 40

# A picture link is often glued to the word before it ("#GE19pic.twitter.com/hv9mk4xrNJ").
_PICTURE = re.compile(r"pic\.twitter\.com/\S*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S*|\b[\w.-]+\.(?:com|org|net)/\S*", re.IGNORECASE)
_BARE_SITE = re.compile(r"\.(?:com|org|net)/")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# "— Name (@handle) January 14, 2020": how a copied tweet signs off, sometimes mid-text (quote tweets).
_SIGNATURE = re.compile(r"[—–]\s*([^—–\n]{0,80}?)\s*\(@\w{1,20}\)\s*" + _MONTH + r"\s+\d{1,2},\s+\d{4}")
_TAG = re.compile(r"[#@]([^\W_]\w*)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|_+")
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Function words and tweet chatter ("rt", "lol"); "s" and "t" are what is left of "Trump's" and "don't".
STOPWORDS = frozenset(
    """
    a about above after again against ago all almost also am an and any anyone are aren as at be
    became because been before being below between both but by can cannot could couldn did didn do
    does doesn doing don done down during each either else even ever every few for from further get
    gets getting got had hadn has hasn have haven having he her here hers herself him himself his
    how however i if in into is isn it its itself just let ll me might more most much must mustn my
    myself need no nor not now of off on once one only or other our ours ourselves out over own
    per re really s same say says said shall she should shouldn since so some still such t than
    that the their theirs them themselves then there these they this those though through thus to
    too under until up upon us ve very was wasn we were weren what when where whether which while
    who whom whose why will with won would wouldn yet you your yours yourself yourselves
    rt via amp lol lmao omg yes yeah oh ok okay please thank thanks like
    d m y im ive id youre theyre thats whats dont doesnt didnt isnt wasnt cant wont
    """.split()
)
# Words that end in "s" or "ing" without it being a suffix ("news" is not "new").
_KEEP = frozenset(
    "news always perhaps series species thanks lens bias during thing nothing something everything anything"
    " king ring sing bring spring string wing".split()
)


class Token(NamedTuple):
    """One word: `surface` lower-cased and folded as written, `stem` the form matched on."""

    surface: str
    stem: str
    capital: bool  # written with a leading capital (a name, or the start of a sentence)
    content: bool  # not a stopword nor a lone letter
    number: bool  # has a digit in it ("2020", "5g", "118th")


def clean(text: str) -> str:
    """The text without URLs, picture links, tweet signatures or control characters; hashtags split.

    "#AustralianFires" and "@realDonaldTrump" become "Australian Fires" and "real Donald Trump".
    """
    text = text[:MAX_CHARS]
    # The checks in front spare fact-check texts, which rarely have any of these, four regex passes.
    if not text.isprintable():
        text = _CONTROL.sub(" ", text)
    if "(@" in text:
        text = _SIGNATURE.sub(" ", text)
    if "/" in text:
        if "pic.twitter" in text:
            text = _PICTURE.sub(" ", text)
        if "://" in text or "www." in text or _BARE_SITE.search(text):
            text = _URL.sub(" ", text)
    if "#" in text or "@" in text:
        text = _TAG.sub(lambda match: " " + _CAMEL.sub(" ", match.group(1)) + " ", text)
    return text


def signature_names(text: str) -> list[str]:
    """The display names in a copied tweet's sign-off ("— Ilhan Omar (@IlhanMN) January 6, 2020")."""
    if "(@" not in text:
        return []
    return [match.group(1) for match in _SIGNATURE.finditer(_CONTROL.sub(" ", text[:MAX_CHARS])) if match.group(1)]


def fold(word: str) -> str:
    """Lower case without diacritics or compatibility forms (é → e, ² → 2), like FTS5's unicode61."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stem(word: str) -> str:
    """A light English suffix stripper: plurals, -ly, -ing, -ed, a final -e ("vaccinated" → "vaccinat").

    Deliberately weaker than Porter's: it merges only forms that nearly always mean the same thing
    (a stronger stripper of -ion, -ous, -ful... did not rank better on the training queries).
    """
    if len(word) <= 3 or not word.isalpha() or word in _KEEP:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ly") and len(word) > 5:
        word = word[:-2]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) >= 3 and any(vowel in base for vowel in "aeiouy"):
                if base.endswith("i") and suffix == "ed":
                    base = base[:-1] + "y"
                elif len(base) > 3 and base[-1] == base[-2] and base[-1] not in "flsz":
                    base = base[:-1]
                word = base
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


# Words as written → their tokens. Bounded: texts repeat their words, and a worker lives long.
#: Distinct written words remembered; past that a new word is read again each time it comes.
WORDS_KEPT = 100_000


class _Words(dict):
    """Written word → its reading: (tokens, content stem, capital stem, number stem, content surface).

    Worked out on first sight and kept. The last four are "" when the word has none ("the" has no
    content stem, "vote" no capital one). Looked up with `map(table.__getitem__, words)`, which
    runs in C but for new words: what makes analysing a hundred candidates cheap.
    """

    def __missing__(self, written: str) -> tuple:
        found = _word(written)
        meaningful = [token for token in found if token.content]
        # Folding can split a written word ("½" is "1⁄2"): its first content token speaks for it.
        first = meaningful[0] if meaningful else None
        reading = (
            found,
            first.stem if first else "",
            first.stem if first and first.capital else "",
            first.stem if first and first.number else "",
            first.surface if first else "",
        )
        if len(self) < WORDS_KEPT:
            self[written] = reading
        return reading


_READINGS = _Words()
_TOKENS = itemgetter(0)
#: What `parts` can take from each written word's reading.
CONTENT_STEM = itemgetter(1)
CAPITAL_STEM = itemgetter(2)
NUMBER_STEM = itemgetter(3)
CONTENT_SURFACE = itemgetter(4)


def words(text: str) -> list[str]:
    """The words of `text` after `clean`, as written: runs of letters and digits."""
    return _WORD.findall(clean(text))


def readings(written: Iterable[str]) -> list[tuple]:
    """Each written word's reading, in order: read once, then taken apart with `parts`."""
    return list(map(_READINGS.__getitem__, written))


def parts(part: itemgetter, read: Iterable[tuple]) -> list[str]:
    """One part of each reading, where it has one: `parts(CONTENT_STEM, readings(words(text)))`."""
    return list(filter(None, map(part, read)))


def tokens(text: str) -> list[Token]:
    """The words of `text` after `clean`, folded and stemmed, stopwords included (see Token.content).

    Words split at anything not a letter or digit: "McDonald's" gives "mcdonald" and "s".
    """
    return list(chain.from_iterable(map(_TOKENS, map(_READINGS.__getitem__, words(text)))))


def _word(written: str) -> tuple[Token, ...]:
    surface = fold(written)
    capital = written[0].isupper()
    if surface.isalnum():
        return (_token(surface, capital),)
    # Folding can split a word ("½" becomes "1⁄2").
    return tuple(_token(part, capital) for part in _WORD.findall(surface))


def _token(surface: str, capital: bool) -> Token:
    meaningful = surface not in STOPWORDS and (len(surface) > 1 or surface.isdigit())
    return Token(surface, stem(surface), capital, meaningful, _DIGIT.search(surface) is not None)


def content(found: Iterable[Token]) -> list[Token]:
    """The tokens that carry meaning: no stopwords, no lone letters."""
    return [token for token in found if token.content]


#: Words of an archived fact-check or verified claim the first stage's index keeps: its rarest.
SIGNATURE_TERMS = 16
#: Words of a claim the first stage looks up: its rarest.
QUERY_TERMS = 12
#: Entries the first stage reads of each word, the newest: bounds its work on a word in many
#: signatures. In the archive, a word kept for this many entries or more is not looked up at all
#: (ArchiveTermCount): too common to single out an earlier check. At 1,000,000 archive entries
#: (bench/README.md), reading the newest 5,000 of every word left the right fact-check out of
#: the candidates for 33% of the tweets, the newest 20,000 for 18%; skipping the words in 20,000
#: or more, for 18% too, with a fifth fewer rows read at p95.
TERM_POSTINGS = 20_000
#: Index rows the first stage reads of the archive for one claim, at most: its words are looked
#: up fewest entries first, and the first word that would pass this is left out, with the rest.
#: At 1,000,000 entries the right fact-check was among the first 5 as often with 40,000 as with
#: no limit (272 of 401 tweets; 30,000: 259), and p95 read 38,000 rows instead of 74,000.
ROW_BUDGET = 40_000


def _rarest_stems(text: str, limit: int, idf: Mapping[str, float], unknown: float) -> list[tuple[str, float]]:
    chosen: dict[str, tuple[float, int]] = {}
    for position, token in enumerate(content(tokens(text))):
        if token.stem not in chosen and len(token.stem) <= MAX_TERM:
            chosen[token.stem] = (-idf.get(token.stem, unknown), position)
    best = sorted(chosen.items(), key=lambda item: item[1])[: max(limit, 0)]
    return [(found, -weight) for found, (weight, _position) in best]


def _vocabulary(idf: Mapping[str, float] | None, unknown: float | None) -> tuple[Mapping[str, float], float]:
    if idf is None:
        model = load_model()
        return model["idf"], model["unknown_idf"]
    return idf, unknown if unknown is not None else max(idf.values(), default=1.0)


def signature(text: str, limit: int = SIGNATURE_TERMS, idf: Mapping[str, float] | None = None,
              unknown: float | None = None) -> list[str]:
    """The stems the first stage's index keeps for an earlier check's text: its `limit` rarest
    by the shipped idf, rarest first (a word the model never met counts as rarest).

    Only the rare words are kept, so however big the archive, a word's list of entries stays
    short unless the word is rare in general: what bounds the first stage's work."""
    idf, unknown = _vocabulary(idf, unknown)
    return [found for found, _weight in _rarest_stems(text, limit, idf, unknown)]


def query_terms(text: str, limit: int = QUERY_TERMS, idf: Mapping[str, float] | None = None,
                unknown: float | None = None) -> list[tuple[str, int]]:
    """The stems of a claim the first stage looks up, rarest first, each with its weight: the
    shipped idf in thousandths (whole numbers, so that sums are exact and ties order the same in
    either database and in the training script)."""
    idf, unknown = _vocabulary(idf, unknown)
    return [(found, round(weight * 1000)) for found, weight in _rarest_stems(text, limit, idf, unknown)]


def looked_up(
    weights: Sequence[tuple[str, int]], counts: Mapping[str, int], per_term: int, budget: int
) -> list[tuple[str, int]]:
    """The words of `weights` the first stage looks up in the archive, given how many entries keep
    each (`counts`): fewest first (ties: the rarer by idf), none kept by `per_term` or more, and
    none from the first that would take the rows read past `budget`. A word not counted (rows
    written past the app, until `factcheck search reindex`) is looked up, for its newest
    `per_term` entries at most."""
    chosen, total = [], 0
    for word, weight in sorted(weights, key=lambda item: counts.get(item[0], 0)):
        listed = counts.get(word)
        if listed is None:
            chosen.append((word, weight))
        elif listed >= per_term or total + listed > budget:
            break  # the rest keep as many entries or more
        elif listed:
            chosen.append((word, weight))
            total += listed
    return chosen


def best_by_terms(
    postings: Mapping[str, Sequence[int]], weights: Sequence[tuple[str, int]], depth: int, per_term: int,
    budget: int = ROW_BUDGET,
) -> list[int]:
    """The ids sharing the most weight of `weights`' stems, best first (ties: the higher id), at
    most `depth`, from the stems `looked_up` chooses (postings: ascending ids): what the database's
    first stage on the archive answers, for the training script."""
    counts = {found: len(postings[found]) for found, _weight in weights if found in postings}
    scores: dict[int, int] = {}
    for found, weight in looked_up(weights, counts, per_term, budget):
        for number in postings.get(found, ()):
            scores[number] = scores.get(number, 0) + weight
    return sorted(scores, key=lambda number: (-scores[number], -number))[:depth]
