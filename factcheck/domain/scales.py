"""Rating scales: the presets, custom scales an admin makes, and which scale an article is rated on.

A scale's labels stay fixed once a verdict uses them, and an article's scale once any of its
claims has a verdict (ScaleLocked, answered with a 409); presets are never edited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from factcheck.domain.claims import claims_for_article, has_verdict
from factcheck.errors import Conflict, InvalidInput, NotFound
from factcheck.forms import ScaleCreate, is_digits
from factcheck.models import Article, BlindVerdict, Claim, Rating, RatingScale

#: The default scale: (label, value, description). Best and worst are True and False.
DEFAULT_SCALE_NAME = "Truth-O-Meter (7 labels)"
DEFAULT_RATINGS: list[tuple[str, int, str]] = [
    ("True", 5, "Accurate; nothing significant is missing."),
    ("Mostly true", 4, "Accurate but needs clarification or more information."),
    ("Half true", 3, "Partially accurate; leaves out important details or takes things out of context."),
    ("Mostly false", 2, "Contains an element of truth but ignores facts that give a different impression."),
    ("False", 1, "Not accurate."),
    ("Unverifiable", 0, "The available evidence neither confirms nor refutes it."),
    ("Not a claim", -1, "Opinion, prediction or framing: nothing that can be checked."),
]


@dataclass(frozen=True)
class PresetScale:
    """A built-in scale: (label, value, description) in display order, with the best and worst labels."""

    name: str
    description: str
    ratings: list[tuple[str, int, str]] = field(default_factory=list)
    best: str | None = None
    worst: str | None = None
    free_text: bool = False


PRESET_SCALES: list[PresetScale] = [
    PresetScale(
        DEFAULT_SCALE_NAME,
        "Five degrees of truth, plus labels for what cannot be checked.",
        DEFAULT_RATINGS,
        best="True",
        worst="False",
    ),
    PresetScale(
        "PolitiFact-style (6 levels)",
        "Six degrees from True to Pants on Fire, for statements that can be checked.",
        [
            ("True", 5, "Accurate, and nothing significant is left out."),
            ("Mostly True", 4, "Accurate, but needs a clarification or added context."),
            ("Half True", 3, "Partly accurate; leaves out important details or takes things out of context."),
            ("Mostly False", 2, "Has a grain of truth but ignores facts that change the picture."),
            ("False", 1, "Not accurate."),
            ("Pants on Fire", 0, "Not accurate, and a ridiculous claim besides."),
        ],
        best="True",
        worst="Pants on Fire",
    ),
    PresetScale(
        "Snopes-style labels",
        "Degrees of truth plus labels for rumours, quotes, images, scams and satire.",
        [
            ("True", 5, "The main elements of the claim are demonstrably accurate."),
            ("Mostly True", 4, "The main point is accurate; some details are wrong or missing."),
            ("Mixture", 3, "Contains significant parts that are true and parts that are false."),
            ("Mostly False", 2, "The main point is wrong, though some details are accurate."),
            ("False", 1, "The main elements of the claim are demonstrably inaccurate."),
            ("Unproven", 0, "There is evidence both ways, or too little to reach a conclusion."),
            ("Unfounded", 0, "No evidence supports it, and it is not plausible on its face."),
            ("Outdated", 0, "Was accurate once; events have moved on since."),
            ("Miscaptioned", 1, "A real photo or video, presented with a false description of what it shows."),
            ("Correct Attribution", 5, "The person quoted did say or write this."),
            ("Misattributed", 1, "The words are real, but someone else said or wrote them."),
            ("Scam", 1, "A scheme to take money or personal data from the people who believe it."),
            ("Legend", 0, "A tale retold so often that where it came from can no longer be traced."),
            ("Labeled Satire", 0, "Comes from a site or author that openly says it publishes satire."),
            ("Originated as Satire", 0, "Began as satire and is now passed around as if it were news."),
        ],
        best="True",
        worst="False",
    ),
    PresetScale(
        "Conclusion only (free text)",
        "No labels: the reviewer writes a short conclusion, e.g. “Misleading: the figure is from 2019”.",
        free_text=True,
    ),
]


def default_scale(session: Session) -> RatingScale:
    """The scale new articles are rated on."""
    scale = session.exec(select(RatingScale).where(RatingScale.name == DEFAULT_SCALE_NAME)).first()
    if scale is None:
        raise NotFound(f"The default rating scale “{DEFAULT_SCALE_NAME}” is missing: run `factcheck db upgrade`.")
    return scale


class ScaleLocked(Conflict):
    """A change a rating scale's use forbids: its labels once a verdict uses them, an article's scale once rated."""


def get_scale(session: Session, scale_id: int | str) -> RatingScale:
    """The rating scale, or NotFound naming the missing id (a form's value is checked to be a number)."""
    scale = session.get(RatingScale, int(scale_id)) if is_digits(str(scale_id)) else None
    if scale is None:
        raise NotFound(f"There is no rating scale {scale_id}. It may have been deleted.")
    return scale


def chosen_scale(session: Session, value: str) -> RatingScale:
    """The scale picked on a form by its id (the default when none is), or InvalidInput."""
    if not value.strip():
        return default_scale(session)
    scale = session.get(RatingScale, int(value)) if is_digits(value.strip()) else None
    if scale is None:
        raise InvalidInput("That rating scale does not exist (any more). Choose one from the list.")
    return scale


def get_custom_scale(session: Session, scale_id: int | str) -> RatingScale:
    """A scale an admin may edit, or NotFound, or ScaleLocked for a preset."""
    scale = get_scale(session, scale_id)
    _refuse_preset(scale)
    return scale


def _refuse_preset(scale: RatingScale) -> None:
    if scale.preset:
        raise ScaleLocked(f"“{scale.name}” is a preset scale: it cannot be edited. Create a custom scale instead.")


def ratings_for_scale(session: Session, scale_id: int) -> list[Rating]:
    """The labels of a scale in their display order."""
    return list(session.exec(select(Rating).where(Rating.scale_id == scale_id).order_by(Rating.position)).all())


def all_scales(session: Session) -> list[RatingScale]:
    """Every rating scale: the presets in the order they were seeded (the default first), then custom ones by name."""
    scales = session.exec(select(RatingScale)).all()
    return sorted(scales, key=lambda s: (not s.preset, s.id if s.preset else 0, s.name.casefold()))


def scales_with_ratings(session: Session) -> list[tuple[RatingScale, list[Rating]]]:
    """Every scale with its labels in order (two queries)."""
    grouped: dict[int, list[Rating]] = defaultdict(list)
    for rating in session.exec(select(Rating).order_by(Rating.scale_id, Rating.position)).all():
        grouped[rating.scale_id].append(rating)
    return [(scale, grouped[scale.id]) for scale in all_scales(session)]


def verdicts_on_scale(session: Session, scale: RatingScale) -> int:
    """How many claims have a verdict from this scale: a label of it or a conclusion on it on the
    claim, or a label of it in a blind verdict on the claim (whose row points at the label too)."""

    if scale.free_text:
        on_claims = (
            select(Claim.id)
            .join(Article, col(Article.id) == Claim.article_id)
            .where(Article.rating_scale_id == scale.id, Claim.conclusion != "")
        )
    else:
        on_claims = select(Claim.id).join(Rating, col(Rating.id) == Claim.verdict_id).where(Rating.scale_id == scale.id)
    blind = (
        select(BlindVerdict.claim_id)
        .join(Rating, col(Rating.id) == BlindVerdict.verdict_id)
        .where(Rating.scale_id == scale.id)
    )
    claim_ids = on_claims.union(blind).subquery()  # UNION: a claim counts once, however many verdicts
    return session.exec(select(func.count()).select_from(claim_ids)).one()


def create_scale(session: Session, submitted: ScaleCreate) -> RatingScale:
    """Store a custom scale and its labels; a name already taken is refused."""
    _refuse_taken_name(session, submitted.name)
    scale = RatingScale(name=submitted.name, description=submitted.description, free_text=submitted.free_text)
    session.add(scale)
    session.flush()
    _add_ratings(session, scale, submitted)
    return scale


def update_scale(session: Session, scale: RatingScale, submitted: ScaleCreate, *, labels: bool) -> RatingScale:
    """Rename or describe a custom scale and, with `labels`, replace its labels unless a verdict uses them."""
    _refuse_preset(scale)
    if submitted.name.casefold() != scale.name.casefold():
        _refuse_taken_name(session, submitted.name)
    scale.name, scale.description = submitted.name, submitted.description
    session.add(scale)
    if labels and _label_rows(ratings_for_scale(session, scale.id)) != _label_rows(submitted.ratings):
        used = verdicts_on_scale(session, scale)
        if used:
            raise ScaleLocked(
                f"“{scale.name}” is in use: {used} claim{'s' if used != 1 else ''} "
                f"{'have' if used != 1 else 'has'} a verdict from it, so its labels cannot be changed or deleted. "
                "You can still rename it and change its description."
            )
        for rating in ratings_for_scale(session, scale.id):
            session.delete(rating)
        session.flush()  # the old labels go before new ones with the same names arrive
        _add_ratings(session, scale, submitted)
    session.flush()
    return scale


def _label_rows(ratings: Sequence[Rating] | Sequence[Any]) -> list[tuple[str, int, str, bool, bool]]:
    return [(r.label, r.value, r.description, r.is_best, r.is_worst) for r in ratings]


def _refuse_taken_name(session: Session, name: str) -> None:
    if any(s.name.casefold() == name.casefold() for s in all_scales(session)):
        raise InvalidInput(f"There is already a scale named “{name}”. Choose another name.")


def _add_ratings(session: Session, scale: RatingScale, submitted: ScaleCreate) -> None:
    for position, rating in enumerate(submitted.ratings):
        session.add(
            Rating(
                scale_id=scale.id,
                position=position,
                label=rating.label,
                value=rating.value,
                description=rating.description,
                is_best=rating.is_best,
                is_worst=rating.is_worst,
            )
        )


def change_article_scale(session: Session, article: Article, scale: RatingScale) -> None:
    """Rate the article on another scale; refused once any of its claims has a verdict."""
    rated = sum(1 for c in claims_for_article(session, article.id) if has_verdict(c))
    if rated and scale.id != article.rating_scale_id:
        raise ScaleLocked(
            f"The rating scale cannot be changed: {rated} claim{'s' if rated != 1 else ''} of this article "
            f"{'have' if rated != 1 else 'has'} a verdict. Clear {'them' if rated != 1 else 'it'} first to change the scale."
        )
    blind = session.exec(select(func.count()).select_from(BlindVerdict).where(BlindVerdict.article_id == article.id)).one()
    if blind and scale.id != article.rating_scale_id:
        raise ScaleLocked(
            f"The rating scale cannot be changed: {blind} blind verdict{'s' if blind != 1 else ''} on this article "
            "use its labels. Settle or clear them first."
        )
    if scale.free_text and article.blind_review:
        raise ScaleLocked("A free-text scale has no labels to give blind verdicts with: switch blind review off first.")
    article.rating_scale_id = scale.id
    session.add(article)


