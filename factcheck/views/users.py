"""Managing the team: the admin's user list (the first admin is made by `factcheck create-user`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for

from factcheck.db import get_session
from factcheck.domain.accounts import create_user, get_user, set_password, update_user, users_by_name
from factcheck.domain.paging import page_number
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.views.auth import hash_params, signed_in_user
from factcheck.views.web import audit_change, refused_with, render
from factcheck.vocabulary import Role

bp = Blueprint("users", __name__)


@bp.get("/users")
def index() -> Response:
    """The users (a page at a time) with their role, and the form to add one."""
    return _page()


def _page(*, error: str | None = None, form: Any = None, status: int = 200) -> Response:
    users = users_by_name(get_session(), page_number(request.args.get("page")))
    return render("users/index.html", users=users, roles=list(Role), error=error, form=form or {}, status=status)


def _create_refused(error: FactcheckError) -> Response | None:
    return _page(error=str(error), form=request.form, status=422) if isinstance(error, InvalidInput) else None


@bp.post("/users")
@refused_with(_create_refused)
def create() -> Response:
    """Add a user with a role and a first password."""
    form = request.form
    user = create_user(
        get_session(),
        form.get("username", ""),
        form.get("password", ""),
        form.get("role", ""),
        hash_params(),
        display_name=form.get("display_name", ""),
    )
    audit_change("user_created", target=f"user {user.username}", detail=f"role: {user.role.value}")
    return redirect(url_for("users.index"), code=303)


def _update_refused(error: FactcheckError, user_id: int) -> Response | None:
    return _page(error=str(error), status=422) if isinstance(error, InvalidInput) else None


@bp.post("/users/<int:user_id>")
@refused_with(_update_refused)
def update(user_id: int) -> Response:
    """Change a user's display name, role or whether the account is active."""
    user = get_user(get_session(), user_id)
    form = request.form
    role, active = user.role, user.active
    update_user(
        get_session(),
        user,
        role=form.get("role", user.role.value),
        active=form.get("active", "1" if user.active else "") == "1",
        display_name=form.get("display_name", user.display_name),
    )
    if user.role != role:
        audit_change("role_changed", target=f"user {user.username}", detail=f"role: {role.value} → {user.role.value}")
    if user.active != active:
        audit_change("user_reactivated" if user.active else "user_deactivated", target=f"user {user.username}")
    return redirect(url_for("users.index"), code=303)


def _password_refused(error: FactcheckError, user_id: int) -> Response | None:
    if not isinstance(error, InvalidInput):
        return None
    return _page(error=f"{get_user(get_session(), user_id).username}: {error}", status=422)


@bp.post("/users/<int:user_id>/password")
@refused_with(_password_refused)
def reset_password(user_id: int) -> Response:
    """Set a user's password (they lose every session they had)."""
    user = get_user(get_session(), user_id)
    set_password(get_session(), user, request.form.get("password", ""), hash_params())
    audit_change("password_reset", target=f"user {user.username}")
    if user.id == signed_in_user().id:
        return redirect(url_for("auth.login_form"), code=303)  # their own session just ended too
    return redirect(url_for("users.index"), code=303)
