"""Check-worthiness: claim types and reasons from the rules, scores from the shipped model."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.extract import checkworthy
from factcheck.extract.checkworthy import KINDS, Assessment, assess, features, score_features

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "checkworthy"
REPO = Path(__file__).parent.parent
SEED_BODY = " ".join((DATA / "seed-article.txt").read_text(encoding="utf-8").split())

# Sentences of the seed article (whitespace as the segmenter leaves it, blank line included).
SEED_STATISTIC = (
    "Over the past week, Russian advances have secured an additional 21 square kilometers."
)
SEED_LAVROV = (
    "Foreign Minister Lavrov has emphasized that\n\nCrimea’s status is non-negotiable and that"
    " any ceasefire must come with guarantees against further Ukrainian rearmament."
)
SEED_REITERATED = "Moscow has reiterated its conditions for possible negotiations."
SEED_INSISTS = (
    "Moscow also insists on maintaining control over the Zaporizhzhia Nuclear Power Plant and has"
    " noted the absence of any U.S. proposals regarding sanctions relief."
)
SEED_ZELENSKY = (
    "In his turn, Zelensky is pushing a controversial deal to European nations, ready to mobilize"
    " an additional 600,000 troops in exchange for €100 billion."
)
SEED_CONSCRIPTION = (
    "His plan includes lowering the conscription age to 18 and extending martial law, ensuring"
    " that Zelensky retains power."
)
SEED_LIBERATED = (
    "The Russian army liberated the Kursk region and repelled Ukrainian forces from the last"
    " border villages in Belgorod."
)
SEED_INCURSION = "The Ukrainian bloody incursion on Russian territory failed."
SEED_PROLONGING = (
    "The move underscores Kyiv’s strategy of prolonging the war despite heavy casualties, banking"
    " on Western support to sustain its war effort."
)
SEED_CHECKABLE = [
    SEED_STATISTIC, SEED_LAVROV, SEED_REITERATED, SEED_INSISTS, SEED_ZELENSKY, SEED_CONSCRIPTION
]
SEED_FRAMING = [SEED_INCURSION, SEED_PROLONGING]


def _load_training_script():
    spec = importlib.util.spec_from_file_location(
        "train_checkworthy", REPO / "scripts" / "train_checkworthy.py"
    )
    module = importlib.util.module_from_spec(spec)
    # Registered first: dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("sentence", [*SEED_CHECKABLE, *SEED_FRAMING, SEED_LIBERATED])
def test_seed_sentences_are_from_the_seed(sentence):
    assert " ".join(sentence.split()) in SEED_BODY


def test_seed_statistic():
    found = assess(SEED_STATISTIC)
    assert found.kind == "statistic"
    assert found.numbers == ("21 square kilometers",)


def test_seed_attribution_keeps_speaker_and_verb():
    found = assess(SEED_LAVROV)
    assert found.kind == "attribution"
    assert (found.speaker, found.verb) == ("Foreign Minister Lavrov", "emphasized")


@pytest.mark.parametrize(
    ("sentence", "speaker", "verb"),
    [
        (SEED_REITERATED, "Moscow", "reiterated"),
        (SEED_INSISTS, "Moscow", "insists"),
        (SEED_ZELENSKY, "Zelensky", "pushing"),
    ],
)
def test_seed_speakers(sentence, speaker, verb):
    found = assess(sentence)
    assert (found.speaker, found.verb) == (speaker, verb)


@pytest.mark.parametrize(
    ("sentence", "loaded"),
    [
        (SEED_LIBERATED, "liberated"),
        (SEED_INCURSION, "bloody incursion"),
        (SEED_ZELENSKY, "controversial"),
    ],
)
def test_seed_loaded_words(sentence, loaded):
    assert loaded in assess(sentence).loaded


def test_seed_numbers_as_written():
    assert assess(SEED_ZELENSKY).numbers == ("600,000", "€100 billion")
    assert assess(SEED_ZELENSKY).kind == "statistic"
    assert assess(SEED_CONSCRIPTION).numbers == ("18",)


def test_seed_framing_is_opinion():
    assert assess(SEED_INCURSION).kind == "opinion"
    assert assess(SEED_LIBERATED).kind == "opinion"


def test_seed_checkable_sentences_outscore_pure_framing():
    checkable = [assess(sentence).score for sentence in SEED_CHECKABLE]
    framing = [assess(sentence).score for sentence in SEED_FRAMING]
    assert sum(checkable) / len(checkable) > sum(framing) / len(framing)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Unemployment fell to 4.2 percent last year.", "statistic"),
        ("The bill costs $1.5 trillion over ten years.", "statistic"),
        ("We lost 700,000 manufacturing jobs in the last four years.", "statistic"),
        ("About 40% of voters support the plan.", "statistic"),
        ("The Kremlin said the talks had stalled.", "attribution"),
        ("According to the ministry, the strike hit an ammunition depot.", "attribution"),
        ("Officials said the bridge was destroyed.", "attribution"),
        ("Zelensky insists that Ukraine will never cede territory.", "attribution"),
        ("Inflation will fall below target by the end of the year.", "prediction"),
        ("The bridge is expected to reopen within weeks.", "prediction"),
        ("I think this deal is a disaster.", "opinion"),
        ("We should never negotiate with them.", "opinion"),
        ("The regime's so-called referendum was a sham.", "opinion"),
        ("Thank you very much.", "not_a_claim"),
        ("Why is it on the ballot?", "not_a_claim"),
        ("Let me finish.", "not_a_claim"),
        ("Good evening.", "not_a_claim"),
        ("", "not_a_claim"),
        ("The company closed its factory in Ohio.", "factual"),
        ("In 2014, Russia annexed Crimea.", "factual"),
        ("The Senate passed the bill last night.", "factual"),
    ],
)
def test_kinds(sentence, kind):
    assert assess(sentence).kind == kind


@pytest.mark.parametrize(
    ("sentence", "numbers"),
    [
        ("Unemployment fell to 4.2 percent last year.", ("4.2 percent",)),
        ("The bill costs $1.5 trillion over ten years.", ("$1.5 trillion",)),
        ("Well, there's seven million people that contracted COVID.", ("seven million",)),
        ("About 40% of voters support the plan.", ("40%",)),
        ("In 2014, Russia annexed Crimea.", ("2014",)),
        ("The F-16 jets arrived after COVID-19 restrictions ended.", ()),
    ],
)
def test_numbers(sentence, numbers):
    assert assess(sentence).numbers == numbers


@pytest.mark.parametrize(
    ("sentence", "speaker", "verb"),
    [
        ("The Kremlin said the talks had stalled.", "Kremlin", "said"),
        ("According to the Pentagon, the strike hit a depot.", "Pentagon", "According to"),
        ("According to the ministry, the strike hit a depot.", "the ministry", "According to"),
        ("But Putin has repeatedly warned that the West is at war.", "Putin", "warned"),
        ("While Russia remains open to talks, it has made clear that", "Russia", "made clear"),
        ("He said trickle-down economics was voodoo economics.", "He", "said"),
        ("The Senate passed the bill last night.", None, None),
    ],
)
def test_attribution(sentence, speaker, verb):
    found = assess(sentence)
    assert (found.speaker, found.verb) == (speaker, verb)


def test_signals_are_json():
    found = assess(SEED_ZELENSKY)
    assert json.loads(json.dumps(found.signals())) == {
        "numbers": ["600,000", "€100 billion"],
        "speaker": "Zelensky",
        "verb": "pushing",
        "loaded": ["controversial"],
    }


@pytest.mark.parametrize(
    "sentence", [*SEED_CHECKABLE, *SEED_FRAMING, "", "Why?", "x " * 500, "1,000,000,000 %"]
)
def test_scores_are_probabilities_and_deterministic(sentence):
    found = assess(sentence)
    assert isinstance(found, Assessment)
    assert 0.0 <= found.score <= 1.0
    assert found.kind in KINDS
    assert assess(sentence) == found


def test_shipped_model_is_small_and_versioned():
    raw = checkworthy.MODEL_PATH.read_bytes()
    assert len(raw) < 1_000_000
    model = json.loads(raw)
    assert model["version"] >= 1
    assert sorted(model["data"]) == [
        "ct24_checkworthy_english_dev.tsv",
        "ct24_checkworthy_english_train.tsv",
    ]
    assert all(len(digest) == 64 for digest in model["data"].values())
    assert 0.0 < model["threshold"] < 1.0


def test_assess_scores_with_the_shipped_model():
    model = json.loads(checkworthy.MODEL_PATH.read_text(encoding="utf-8"))
    for sentence in SEED_CHECKABLE:
        assert assess(sentence).score == score_features(features(sentence), model)


@pytest.fixture(scope="module")
def fixture_training():
    pytest.importorskip("sklearn")
    script = _load_training_script()
    return script, script.train(FIXTURE, buckets=1024, log=lambda line: None)


def test_training_rebuilds_identical_bytes(fixture_training):
    # expected_model.json was written by an earlier run of the script on the same fixture:
    # `scripts/train_checkworthy.py tests/data/checkworthy --buckets 1024 --out <it>`.
    _script, (data, _report) = fixture_training
    expected = (FIXTURE / "expected_model.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(expected).hexdigest()


def test_pure_python_scores_match_the_fitted_model(fixture_training):
    _script, (_data, report) = fixture_training
    assert report["max_difference"] < 1e-3


def test_training_records_data_hashes(fixture_training):
    _script, (data, _report) = fixture_training
    model = json.loads(data)
    train_file = FIXTURE / "ct24_checkworthy_english_train.tsv"
    digest = hashlib.sha256(train_file.read_bytes()).hexdigest()
    assert model["data"]["ct24_checkworthy_english_train.tsv"] == digest


def test_reads_crlf_files(tmp_path):
    pytest.importorskip("sklearn")
    script = _load_training_script()
    (tmp_path / "ct24_checkworthy_english_dev.tsv").write_bytes(
        b'Sentence_id\tText\tclass_label\r\n26\t"I saw ""Crocodile Dundee."""\tNo\r\n'
        b"80\tWe're consuming 50 percent of the world's cocaine.\tYes\r\n"
    )
    assert script.read_split(tmp_path, "dev") == [
        script.Sentence(26, 'I saw "Crocodile Dundee."', False),
        script.Sentence(80, "We're consuming 50 percent of the world's cocaine.", True),
    ]


def test_runtime_needs_neither_numpy_nor_scikit_learn():
    code = (
        "import sys; from factcheck.extract.checkworthy import assess; assess('Taxes rose 5%.');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'numpy', 'sklearn', 'scipy'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
