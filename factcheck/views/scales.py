"""Rating scales: the list of presets and custom scales, and the forms an admin makes and edits them with.

Everyone reads the scales; only admins make and change them (factcheck.domain.permissions).
Editors pick a scale per article, on the New article form or the review page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from pydantic import ValidationError

from factcheck.db import get_session
from factcheck.domain.scales import (
    create_scale,
    get_custom_scale,
    ratings_for_scale,
    scales_with_ratings,
    update_scale,
    verdicts_on_scale,
)
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import RatingInput, ScaleCreate, is_digits
from factcheck.models import Rating
from factcheck.views.web import audit_change, refused_with, render

bp = Blueprint("scales", __name__)

BLANK_ROWS = 3  # empty label rows under the filled ones: room to add labels without JavaScript


@dataclass
class LabelRow:
    """One row of the label table as the form shows it (strings, as typed)."""

    label: str = ""
    value: str = ""
    description: str = ""
    best: bool = False
    worst: bool = False

    @classmethod
    def of(cls, rating: Rating) -> LabelRow:
        """The row for a stored label."""
        return cls(rating.label, str(rating.value), rating.description, rating.is_best, rating.is_worst)

    def is_blank(self) -> bool:
        """Nothing typed in it: the row is left out."""
        return not (self.label.strip() or self.value.strip() or self.description.strip())


@bp.get("/scales")
def index() -> Response:
    """Every rating scale with its labels; custom ones can be edited."""
    session = get_session()
    return render("scales/index.html", scales=scales_with_ratings(session))


@bp.get("/scales/new")
def new() -> Response:
    """The form for a custom scale."""
    return render("scales/form.html", scale=None, form={}, rows=_padded([], 5), error=None, locked=0)


def _create_refused(error: FactcheckError) -> Response | None:
    if not isinstance(error, InvalidInput):
        return None
    rows = _padded(_rows_from_form(request.form))
    return render("scales/form.html", scale=None, form=request.form, rows=rows, error=str(error), locked=0, status=422)


@bp.post("/scales")
@refused_with(_create_refused)
def create() -> Response:
    """Store a custom scale; a 422 with the form and its message when the input cannot be used."""
    rows = _rows_from_form(request.form)
    scale = create_scale(get_session(), _scale_from_form(request.form, rows, free_text=_ticked("free_text")))
    audit_change("scale_created", target=f"scale {scale.id}", detail=f"name: {scale.name}")
    return redirect(url_for("scales.index", _anchor=f"scale-{scale.id}"), code=303)


@bp.get("/scales/<int:scale_id>/edit")
def edit(scale_id: int) -> Response:
    """The form to rename a custom scale, describe it and, while no verdict uses it, change its labels."""
    session = get_session()
    scale = get_custom_scale(session, scale_id)
    rows = [LabelRow.of(r) for r in ratings_for_scale(session, scale.id)]
    form = {"name": scale.name, "description": scale.description}
    locked = verdicts_on_scale(session, scale)
    return render("scales/form.html", scale=scale, form=form, rows=_padded(rows), error=None, locked=locked)


def _update_refused(error: FactcheckError, scale_id: int) -> Response | None:
    """Unusable input: the form again (422); changing the labels of a scale in use is a 409 page."""
    if not isinstance(error, InvalidInput):
        return None
    session = get_session()
    scale = get_custom_scale(session, scale_id)
    rows = _padded(_rows_from_form(request.form))
    locked = verdicts_on_scale(session, scale)
    return render("scales/form.html", scale=scale, form=request.form, rows=rows, error=str(error), locked=locked, status=422)


@bp.post("/scales/<int:scale_id>")
@refused_with(_update_refused)
def update(scale_id: int) -> Response:
    """Save a custom scale: 422 for unusable input, 409 for changing the labels of a scale in use."""
    session = get_session()
    scale = get_custom_scale(session, scale_id)
    labels = request.form.get("labels") == "1"
    rows = _rows_from_form(request.form) if labels else [LabelRow.of(r) for r in ratings_for_scale(session, scale.id)]
    name = scale.name
    update_scale(session, scale, _scale_from_form(request.form, rows, free_text=scale.free_text), labels=labels)
    renamed = f"name: {name} → {scale.name}" if scale.name != name else f"name: {name}"
    audit_change("scale_changed", target=f"scale {scale.id}", detail=renamed + ("; labels sent" if labels else ""))
    return redirect(url_for("scales.index", _anchor=f"scale-{scale.id}"), code=303)


def _ticked(name: str) -> bool:
    return request.form.get(name, "") not in ("", "0")


def _rows_from_form(form: Any) -> list[LabelRow]:
    """The label rows as typed, in order; `best` and `worst` name a row by its number (0-based)."""
    labels, values, descriptions = form.getlist("label"), form.getlist("value"), form.getlist("description_of_label")
    count = max(len(labels), len(values), len(descriptions))

    def at(items: list[str], index: int) -> str:
        return items[index] if index < len(items) else ""

    best, worst = form.get("best", ""), form.get("worst", "")
    return [
        LabelRow(at(labels, i), at(values, i), at(descriptions, i), best == str(i), worst == str(i)) for i in range(count)
    ]


def _scale_from_form(form: Any, rows: list[LabelRow], *, free_text: bool) -> ScaleCreate:
    """The validated scale, or InvalidInput naming the field or the label row that is wrong."""
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if not row.is_blank()]
    ratings: list[RatingInput] = []
    for number, row in numbered:
        value = row.value.strip().replace("−", "-")
        if not is_digits(value.removeprefix("-")):
            shown = f" (“{row.label.strip()}”)" if row.label.strip() else ""
            raise InvalidInput(f"Label row {number}{shown}: the value must be a whole number, such as 3 or -1.")
        try:
            ratings.append(
                RatingInput(
                    label=row.label, value=int(value), description=row.description, is_best=row.best, is_worst=row.worst
                )
            )
        except ValidationError as error:
            raise InvalidInput(f"Label row {number}: {_messages(error)}.") from None
    try:
        return ScaleCreate(
            name=form.get("name", ""), description=form.get("description", ""), free_text=free_text, ratings=ratings
        )
    except ValidationError as error:
        message = _messages(error)
        raise InvalidInput(message[:1].upper() + message[1:] + ".") from None


def _messages(error: ValidationError) -> str:
    return "; ".join(item["msg"].removeprefix("Value error, ") for item in error.errors())


def _padded(rows: list[LabelRow], blank: int = BLANK_ROWS) -> list[LabelRow]:
    filled = [row for row in rows if not row.is_blank()]
    return filled + [LabelRow() for _ in range(blank)]
