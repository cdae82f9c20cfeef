"""Which claims need checking: a check-worthiness score, a claim type and the reasons behind them.

`assess(text)` reads one sentence. The reasons shown on a claim's card (the numbers, the speaker
and attribution verb, the loaded words) come from rules in this module; the score comes from a
logistic regression trained by `scripts/train_checkworthy.py` on CLEF 2024 CheckThat! task 1 and
stored as plain weights in `checkworthy_model.json`. Scoring is pure Python: the training script
builds its feature matrix with `features()` below, so training and runtime cannot disagree.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("checkworthy_model.json")

# Claim kinds; factcheck.vocabulary.ClaimKind takes its values from these (extract stays pure).
FACTUAL = "factual"
STATISTIC = "statistic"
ATTRIBUTION = "attribution"
PREDICTION = "prediction"
OPINION = "opinion"
NOT_A_CLAIM = "not_a_claim"
KINDS = (FACTUAL, STATISTIC, ATTRIBUTION, PREDICTION, OPINION, NOT_A_CLAIM)


@dataclass(frozen=True)
class Assessment:
    """How much a sentence needs checking, what sort of claim it is, and why."""

    score: float  # 0..1 check-worthiness; decision_threshold() is where the model says yes
    kind: str  # one of KINDS
    numbers: tuple[str, ...]  # numbers and quantities, as written
    speaker: str | None  # who the claim is attributed to
    verb: str | None  # the attribution verb, as written ("emphasized", "according to")
    loaded: tuple[str, ...]  # loaded or framing words, as written

    def signals(self) -> dict:
        """The reasons shown on the claim's card, as a JSON-able dict."""
        return {
            "numbers": list(self.numbers),
            "speaker": self.speaker,
            "verb": self.verb,
            "loaded": list(self.loaded),
        }


def assess(text: str) -> Assessment:
    """Score one sentence for check-worthiness and say what sort of claim it is."""
    cues = _read(text)
    return Assessment(
        score=_score(cues),
        kind=_kind(cues),
        numbers=tuple(match.group(0) for match in cues.numbers),
        speaker=cues.speaker,
        verb=cues.verb,
        loaded=cues.loaded,
    )


# --- numbers ---------------------------------------------------------------------------------

_CURRENCY_SIGN = r"(?:US\$|[$€£¥₽₴])"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_NUMBER_WORD = (
    r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety|a\s+few|several|hundreds|tens|half\s+a|a\s+half)"
)
_MAGNITUDE = r"(?:hundred\s+thousand|hundred|thousand|million|billion|trillion|bn|mn|m|k)"
_UNIT = (
    r"(?:square\s+(?:kilometers|kilometres|kilometer|kilometre|miles|mile|meters|metres|feet)"
    r"|percentage\s+points?|per\s*cent|percent|%|km²|km2|km|kilometers|kilometres|kilometer"
    r"|kilometre|miles|mile|meters|metres|feet|foot|tons|tonnes|ton|barrels|hectares|acres"
    r"|kg|kilograms|pounds|dollars|dollar|euros|euro|rubles|roubles|hryvnias|yuan|cents"
    r"|degrees|years?(?:\s+old)?|months?|weeks?|days?|hours?|minutes?|points?)"
)
_NUMBER = re.compile(
    rf"(?<![\w\-/.]){_CURRENCY_SIGN}?\s?(?:{_DIGITS})(?:[\s\-]?{_MAGNITUDE})?"
    rf"(?:(?:\s|-)?{_UNIT})?(?![\w])"
    rf"|(?<![\w\-])(?:{_CURRENCY_SIGN}\s?)?{_NUMBER_WORD}\s+{_MAGNITUDE}(?:\s+{_UNIT})?(?![\w])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
# A number word counts only before a spelled-out magnitude: "seven million", not "a m" or "one k".
_WORD_MAGNITUDE = re.compile(r"(?:hundred|thousand|million|billion|trillion)", re.IGNORECASE)


def _find_numbers(text: str) -> list[re.Match[str]]:
    """The quantities in `text`, in order: digits with their units, or spelled-out magnitudes."""
    found = []
    for match in _NUMBER.finditer(text):
        written = match.group(0)
        if not any(ch.isdigit() for ch in written) and not _WORD_MAGNITUDE.search(written):
            continue
        found.append(match)
    return found


def _is_year(written: str) -> bool:
    return bool(_YEAR.fullmatch(written))


# --- attribution -----------------------------------------------------------------------------

_SAY_VERBS = (
    "said|says|say|told|tells|tell|stated|states|claimed|claims|claim|emphasized|emphasised"
    "|emphasizes|emphasises|emphasize|stressed|stresses|stress|insisted|insists|insist"
    "|reiterated|reiterates|reiterate|noted|notes|argued|argues|argue|warned|warns|warn"
    "|announced|announces|added|adds|declared|declares|asserted|asserts|confirmed|confirms"
    "|denied|denies|deny|admitted|admits|admit|acknowledged|acknowledges|suggested|suggests"
    "|reported|alleged|alleges|accused|accuses|maintained|maintains|explained|explains"
    "|promised|promises|pledged|pledges|vowed|vows|wrote|writes|tweeted|posted|testified"
    "|revealed|reveals|disclosed|concluded|estimated|estimates|predicted|predicts"
    "|made\\s+clear|makes\\s+clear|make\\s+clear|pointed\\s+out|points\\s+out|called\\s+for"
    "|calls\\s+for|demanded|demands|demand|proposed|proposes|urged|urges"
    # "pushing a deal" is a proposal; "pushing toward Pokrovsk" is movement.
    "|(?:pushing|pushed|pushes)"
    "(?!\\s+(?:toward|towards|into|forward|ahead|back|through|deeper|on)\\b)"
    "|threatened|threatens|believes|thinks|contends|contended|complained|complains"
)
# Words allowed between a speaker and the verb: auxiliaries and a few adverbs.
_BETWEEN = (
    r"(?:(?:has|have|had|is|are|was|were|also|again|repeatedly|publicly|once|reportedly"
    r"|already|previously|recently|just|now|not|never|still|clearly|firmly|openly|then)\s+){0,3}"
)
_NAME_WORD = r"[A-Z][\w’'.\-]*"
_PROPER = rf"{_NAME_WORD}(?:\s+(?:of\s+(?:the\s+)?)?{_NAME_WORD})*"
# Common-noun sources that speak in news copy: "officials said", "field reports suggested".
_SOURCE_NOUNS = (
    r"(?:[a-z][\w\-]*\s+)?(?:officials|official|reports|sources|experts|analysts|observers"
    r"|witnesses|authorities|spokesman|spokeswoman|spokesperson|ministry|government|military"
    r"|army|police|critics|officers|diplomats|commanders|media|intelligence|leaders|leader"
    r"|residents|scientists|researchers|economists|studies|study|survey|poll|polls)"
)
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t)"
_ATTRIBUTION = re.compile(
    rf"(?<![\w’'])(?P<speaker>{_PROPER}|(?:the\s+|The\s+)?{_SOURCE_NOUNS}|{_PRONOUN})"
    rf"\s+{_BETWEEN}(?P<verb>{_SAY_VERBS})(?![\w’'])"
)
_ACCORDING_TO = re.compile(
    r"(?P<verb>[Aa]ccording\s+to)\s+"
    r"(?P<speaker>(?:[\w’'.\-]+\s+){0,5}?[\w’'.\-]+)(?=\s*[,.;:!?)]|$)"
)
# Capitalised words that start a sentence or clause without naming anyone.
_NOT_A_NAME = frozenset(
    """a an the and but so or yet then now well however meanwhile moreover also still yesterday
    today tonight tomorrow last this that these those there here while when if as because since
    although though in on at over under after before during for from with without by of to
    according many some most all both few several each every no not nobody everyone everybody
    people we i you our my your his her its their one others another other such what who which
    why how where mr mrs ms dr""".split()
)
_CAPITALISED = re.compile(rf"(?<![\w’']){_NAME_WORD}")


@dataclass(frozen=True)
class _Attribution:
    speaker: str | None
    verb: str
    start: int


def _find_attribution(text: str) -> _Attribution | None:
    """The first "X said/insists/has emphasized …" or "according to X" in `text`."""
    found: list[_Attribution] = []
    for match in _ATTRIBUTION.finditer(text):
        speaker = _clean_speaker(match.group("speaker"))
        if speaker is None:
            continue
        if speaker.lower() in {"he", "she", "they", "it"}:
            speaker = _antecedent(text[: match.start("speaker")]) or speaker
        found.append(_Attribution(speaker, _squash(match.group("verb")), match.start()))
        break
    according = _ACCORDING_TO.search(text)
    if according:
        found.append(
            _Attribution(
                _clean_speaker(according.group("speaker")),
                _squash(according.group("verb")),
                according.start(),
            )
        )
    return min(found, key=lambda attribution: attribution.start) if found else None


def _clean_speaker(speaker: str) -> str | None:
    """Drop leading function words ("But Putin" → "Putin", "The Kremlin" → "Kremlin", but
    "the ministry" stays); None when nothing is left to name anyone."""
    words = speaker.split()
    while words and words[0].lower().strip("’'") in _NOT_A_NAME:
        if words[0].lower() == "the" and len(words) > 1 and words[1][0].islower():
            break
        words.pop(0)
    return " ".join(words) or None


def _antecedent(before: str) -> str | None:
    """The last capitalised name before a pronoun in the same sentence ("Russia …, it has")."""
    names = [
        match.group(0)
        for match in _CAPITALISED.finditer(before)
        if match.group(0).lower() not in _NOT_A_NAME
    ]
    return names[-1] if names else None


def _squash(words: str) -> str:
    return " ".join(words.split())


# --- loaded words ----------------------------------------------------------------------------

# Framing and loaded words common in war and political reporting. Multi-word entries win over
# their parts ("bloody incursion" rather than "bloody").
_LOADED_TERMS = (
    "liberated", "liberate", "liberates", "liberating", "liberation", "liberators",
    "bloody", "bloody incursion", "bloody regime", "bloodthirsty", "brutal", "brutally",
    "brutality", "barbaric", "barbarians", "heroic", "heroically", "heroes", "valiant", "glorious",
    "regime", "puppet", "puppet regime", "junta", "neo-nazi", "neo-nazis", "nazi", "nazis",
    "fascist", "fascists", "terrorist", "terrorists", "terror", "aggressor", "aggressors",
    "invaders", "occupiers", "marauders", "thugs", "massacre", "slaughter", "genocide",
    "atrocity", "atrocities", "criminal", "criminals", "warmonger", "warmongers", "so-called",
    "controversial", "notorious", "infamous", "radical", "extremist", "extremists", "propaganda",
    "illegitimate", "lawless", "rogue", "sham", "shameful", "disgrace", "disgraceful",
    "outrageous", "ridiculous", "absurd", "desperate", "desperately", "humiliating",
    "humiliation", "catastrophic", "catastrophe", "disaster", "disastrous", "crushing",
    "annihilated", "devastating", "reckless", "cowardly", "traitor", "traitors", "provocation",
    "provocations", "provocative", "hysteria", "russophobia", "russophobic", "kyiv regime",
    "kiev regime", "clinging to power", "retains power", "prolonging the war", "corrupt",
    "rigged", "fake news", "crooked", "horrible", "terrible", "pathetic", "failed policies",
    "witch hunt",
)
_LOADED = re.compile(
    r"(?<![\w\-])(?:"
    + "|".join(
        re.escape(term).replace(r"\ ", r"\s+")
        for term in sorted(_LOADED_TERMS, key=lambda term: (-len(term), term))
    )
    + r")(?![\w\-])",
    re.IGNORECASE,
)


def _find_loaded(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for match in _LOADED.finditer(text):
        written = _squash(match.group(0))
        if written.lower() not in (word.lower() for word in seen):
            seen.append(written)
    return tuple(seen)


# --- other cues ------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z’'\-]*|\d[\d,.]*\d|\d|[$€£¥%?!]")
_PREDICTION = re.compile(
    r"(?<![\w’'])(?:will|won[’']t|shall|[’']ll|going\s+to|gonna"
    r"|(?:is|are|was|were)\s+expected\s+to"
    r"|(?:is|are)\s+(?:likely|set|poised|projected|forecast|due)\s+to|forecasts?|predicts?"
    r"|in\s+the\s+(?:coming|next)\s+\w+|next\s+(?:year|month|week|decade))(?![\w])",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"(?<![\w’'])(?:I\s+(?:really\s+)?(?:think|believe|feel|guess|suppose|hope|agree|disagree"
    r"|want|love|hate|like)|in\s+my\s+(?:opinion|view)|I[’']m\s+(?:sure|convinced|happy|proud"
    r"|glad|confident)|should|ought\s+to|must|has\s+to|have\s+to|need\s+to|needs\s+to"
    r"|it[’']s\s+(?:important|time|wrong|right)|the\s+(?:best|worst))(?![\w’'])",
    re.IGNORECASE,
)
_NOT_A_CLAIM_START = re.compile(
    r"^\W*(?:(?:and|but|so|well|now|look|oh|ok|okay|yes|no|sir|listen)\W+)*"
    r"(?:thank|thanks|good\s+(?:evening|morning|night|afternoon)|hello|welcome|let\s+me"
    r"|let[’']s|let\s+us|excuse\s+me|please|tell\s+me|look\s+at|take\s+a\s+look"
    r"|don[’']t|do\s+not|go\s+ahead|i[’']m\s+sorry)\b",
    re.IGNORECASE,
)
_FIRST_SINGULAR = frozenset({"i", "i'm", "i’m", "me", "my", "mine", "myself", "i've", "i’ve",
                             "i'd", "i’d", "i'll", "i’ll"})
_FIRST_PLURAL = frozenset({"we", "we're", "we’re", "us", "our", "ours", "ourselves", "we've",
                           "we’ve", "we'd", "we’d", "we'll", "we’ll"})
_SECOND = frozenset({"you", "your", "yours", "yourself", "you're", "you’re", "you've", "you’ve",
                     "you'd", "you’d", "you'll", "you’ll"})
_PAST = frozenset({"was", "were", "had", "did", "said", "went", "made", "took", "got", "gave",
                   "came", "lost", "won", "cut", "voted", "passed", "signed", "raised"})
_NEGATION = frozenset({"not", "no", "never", "n't", "nothing", "none", "nobody", "neither", "nor"})
_COMPARISON = frozenset({"more", "less", "fewer", "than", "most", "least", "largest", "highest",
                         "lowest", "biggest", "smallest", "increase", "increased", "decrease",
                         "decreased", "doubled", "tripled", "rise", "rose", "fell", "grew",
                         "record", "only", "every", "first", "last", "average"})
_COPULA = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "’s"})


@dataclass(frozen=True)
class _Cues:
    """Everything the rules read from one sentence; kind, signals and features come from it."""

    text: str
    words: tuple[str, ...]
    numbers: tuple[re.Match[str], ...]
    quantities: int  # numbers that are not bare years
    speaker: str | None
    verb: str | None
    attributed: bool
    loaded: tuple[str, ...]
    prediction: bool
    opinion: bool
    question: bool
    not_a_claim: bool


def _read(text: str) -> _Cues:
    text = " ".join(text.split())
    words = tuple(_WORD.findall(text))
    numbers = tuple(_find_numbers(text))
    attribution = _find_attribution(text)
    question = text.rstrip("\"'”’ )").endswith("?")
    letters = [word for word in words if word[0].isalpha()]
    interrupted = bool(re.search(r"(?:-|—|–|…|\.\.\.)\W*$", text)) and not text.endswith(".")
    return _Cues(
        text=text,
        words=words,
        numbers=numbers,
        quantities=sum(1 for match in numbers if not _is_year(match.group(0))),
        speaker=attribution.speaker if attribution else None,
        verb=attribution.verb if attribution else None,
        attributed=attribution is not None,
        loaded=_find_loaded(text),
        prediction=bool(_PREDICTION.search(text)),
        opinion=bool(_OPINION.search(text)),
        question=question,
        not_a_claim=(
            question
            or interrupted
            or (len(letters) < 3 and not numbers)
            or bool(_NOT_A_CLAIM_START.search(text))
        ),
    )


def _kind(cues: _Cues) -> str:
    """The claim type, in priority order: the most checkable reading wins."""
    if cues.not_a_claim:
        return NOT_A_CLAIM
    if cues.quantities:
        return STATISTIC
    if cues.attributed and cues.speaker:
        return ATTRIBUTION
    if cues.loaded or cues.opinion:
        return OPINION
    if cues.prediction:
        return PREDICTION
    return FACTUAL


# --- features and score ----------------------------------------------------------------------


def features(text: str) -> dict[str, float]:
    """The model's input for one sentence: named cue features and hashed n-grams (`h:` prefix).

    Hashed features are returned by name; `hash_index` maps a name to its weight bucket.
    """
    return _features(_read(text))


def hash_index(name: str, buckets: int) -> int:
    """A stable bucket for a feature name (zlib.crc32: the same on every run and platform)."""
    return zlib.crc32(name.encode("utf-8")) % buckets


def _features(cues: _Cues) -> dict[str, float]:
    lower = [_normal(word) for word in cues.words]
    letters = [word for word in cues.words if word[0].isalpha()]
    n_words = max(len(letters), 1)
    # Capitalised words after the first: names, places, organisations, parties.
    names = sum(1 for word in cues.words[1:] if word[0].isupper() and word.lower() != "i")
    lowered = set(lower)
    found: dict[str, float] = {
        "bias_length": min(math.log1p(n_words) / 4.0, 1.5),
        "short": float(n_words < 6),
        "long": float(n_words > 25),
        "numbers": min(cues.quantities, 3) / 3.0,
        "has_number": float(cues.quantities > 0),
        "has_year": float(any(_is_year(match.group(0)) for match in cues.numbers)),
        "percent": float(bool(re.search(r"%|percent|per cent", cues.text, re.IGNORECASE))),
        "money": float(bool(re.search(r"[$€£¥]|dollars|euros|\b(?:b|m|tr)illion", cues.text,
                                      re.IGNORECASE))),
        "names": min(names, 4) / 4.0,
        "name_ratio": names / n_words,
        "attribution": float(cues.attributed),
        "attribution_named": float(cues.attributed and cues.speaker is not None
                                   and cues.speaker[0].isupper()
                                   and cues.speaker.lower() not in {"he", "she", "they", "it"}),
        "loaded": min(len(cues.loaded), 2) / 2.0,
        "prediction": float(cues.prediction),
        "opinion": float(cues.opinion),
        "question": float(cues.question),
        "not_a_claim": float(cues.not_a_claim),
        "first_singular": float(bool(lowered & _FIRST_SINGULAR)),
        "first_plural": float(bool(lowered & _FIRST_PLURAL)),
        "second_person": float(bool(lowered & _SECOND)),
        "past": float(bool(lowered & _PAST) or any(w.endswith("ed") for w in lower)),
        "negation": float(bool(lowered & _NEGATION) or any(w.endswith("n't") for w in lower)),
        "comparison": float(bool(lowered & _COMPARISON)),
        "copula": float(bool(lowered & _COPULA)),
        "exclamation": float("!" in cues.text),
        "quote": float('"' in cues.text[1:-1] or "“" in cues.text),
    }
    found[f"kind={_kind(cues)}"] = 1.0
    # Names change from one debate to the next, so after the first word a capitalised word is
    # only "<cap>": the model learns "<cap> voted", not "Dukakis voted". Word endings ("~ion",
    # "~ted") carry some meaning over to words never seen in training.
    shapes = [
        "<cap>" if index and word[0].isupper() and low not in _FIRST_SINGULAR else _shape(low)
        for index, (word, low) in enumerate(zip(cues.words, lower, strict=True))
    ]
    tokens = ["<s>", *shapes, "</s>"]
    grams = [f"h:{token}" for token in shapes]
    grams += [f"h:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    grams += [f"h:~{token[-3:]}" for token in shapes if len(token) > 4 and token[0] != "<"]
    if grams:
        weight = 1.0 / math.sqrt(len(grams))
        for gram in grams:
            found[gram] = found.get(gram, 0.0) + weight
    return found


def _normal(word: str) -> str:
    return word.lower().replace("’", "'")


def _shape(word: str) -> str:
    """Numbers by their shape, so "21" and "600,000" share weights; words as they are."""
    if word[0].isdigit():
        if _is_year(word):
            return "<year>"
        return "<num>"
    return word


@cache
def _model() -> dict | None:
    try:
        return json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def decision_threshold() -> float:
    """The score from which the model calls a sentence check-worthy (tuned on the training data)."""
    model = _model()
    return float(model.get("threshold", 0.5)) if model else 0.5


def _score(cues: _Cues) -> float:
    model = _model()
    if model is None:
        return _provisional_score(cues)
    return score_features(_features(cues), model)


def score_features(found: dict[str, float], model: dict) -> float:
    """The model's probability for a feature dict: sigmoid(intercept + Σ weight × value)."""
    named = model["weights"]
    hashed = model["hashed"]
    buckets = model["buckets"]
    total = model["intercept"]
    for name, value in found.items():
        if name.startswith("h:"):
            total += hashed.get(str(hash_index(name, buckets)), 0.0) * value
        else:
            total += named.get(name, 0.0) * value
    return _sigmoid(total)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _provisional_score(cues: _Cues) -> float:
    """Hand-set weights, used only when no trained model is present."""
    if cues.not_a_claim:
        return 0.05
    z = -1.0
    z += 1.5 * bool(cues.quantities) + 1.0 * cues.attributed + 0.4 * cues.prediction
    z -= 0.8 * cues.opinion + 0.6 * bool(cues.loaded)
    return round(_sigmoid(z), 4)
