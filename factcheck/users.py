"""Managing the team: the admin's user list, and `factcheck create-user` for the first admin."""

from __future__ import annotations

import sys

import click
from flask import Blueprint, Flask, Response, abort, current_app, redirect, request, url_for
from flask.cli import with_appcontext
from sqlmodel import Session, func, select

from factcheck.accounts import (
    AccountError,
    check_role,
    create_user,
    end_all_sessions,
    set_password,
    users_by_name,
)
from factcheck.auth import hash_params, signed_in_user
from factcheck.db import get_session
from factcheck.models import Role, User
from factcheck.permissions import permission_table
from factcheck.web import render

bp = Blueprint("users", __name__)


@bp.get("/users")
def index() -> Response:
    """Every user with their role, and the form to add one."""
    return _page(get_session())


@bp.post("/users")
def create() -> Response:
    """Add a user with a role and a first password."""
    db = get_session()
    form = request.form
    try:
        create_user(
            db,
            form.get("username", ""),
            form.get("password", ""),
            form.get("role", ""),
            hash_params(),
            display_name=form.get("display_name", ""),
        )
        db.commit()
    except AccountError as error:
        db.rollback()
        return _page(db, error=str(error), form=form, status=422)
    return redirect(url_for("users.index"), code=303)


@bp.post("/users/<int:user_id>")
def update(user_id: int) -> Response:
    """Change a user's display name, role or whether the account is active."""
    db = get_session()
    user = _user_or_404(db, user_id)
    form = request.form
    try:
        role = check_role(form.get("role", user.role.value))
        active = form.get("active", "1" if user.active else "") == "1"
        if user.role == Role.ADMIN and (role != Role.ADMIN or not active) and _active_admins(db) <= 1:
            raise AccountError(f"{user.username} is the last active admin: make another admin first.")
        user.display_name = " ".join(form.get("display_name", user.display_name).split())[:100]
        user.role = role
        if user.active and not active:
            end_all_sessions(db, user)
        user.active = active
        db.add(user)
        db.commit()
    except AccountError as error:
        db.rollback()
        return _page(db, error=str(error), status=422)
    return redirect(url_for("users.index"), code=303)


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int) -> Response:
    """Set a user's password (they lose every session they had)."""
    db = get_session()
    user = _user_or_404(db, user_id)
    try:
        set_password(db, user, request.form.get("password", ""), hash_params())
        db.commit()
    except AccountError as error:
        db.rollback()
        return _page(db, error=f"{user.username}: {error}", status=422)
    if user.id == signed_in_user().id:
        return redirect(url_for("auth.login_form"), code=303)  # their own session just ended too
    return redirect(url_for("users.index"), code=303)


def _page(db: Session, *, error: str | None = None, form=None, status: int = 200) -> Response:
    return render("users/index.html", users=users_by_name(db), roles=list(Role), error=error, form=form or {}, status=status)


def _user_or_404(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        abort(404, description=f"There is no user {user_id}.")
    return user


def _active_admins(db: Session) -> int:
    return db.exec(select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active == True)).one()  # noqa: E712


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.REVIEWER.value, show_default=True)
@click.option("--name", "display_name", default="", help="The name the team sees (default: the username).")
@click.option("--if-missing", is_flag=True, help="Do nothing (and succeed) if the user exists already.")
@with_appcontext
def create_user_command(username: str, role: str, display_name: str, if_missing: bool) -> None:
    """Add a user. The password is prompted for, or read from the first line of stdin when
    stdin is not a terminal (for scripts: `echo "$PASSWORD" | factcheck create-user ...`)."""
    engine = current_app.extensions["factcheck.engine"]
    if if_missing:
        with Session(engine) as db:
            name = username.strip().lower()
            if db.exec(select(User).where(User.username == name)).first() is not None:
                click.echo(f"User {name} exists already; left as it is.", err=True)
                return
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with Session(engine) as db:
        try:
            user = create_user(db, username, password, role, hash_params(), display_name=display_name)
            db.commit()
        except AccountError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Created {user.role.value} {user.username} (user {user.id}).")


@click.command("permissions")
def permissions_command() -> None:
    """Print who may do what, as the Markdown table in the README."""
    click.echo(permission_table(), nl=False)


def init_app(app: Flask) -> None:
    """Register the user pages and the create-user and permissions commands."""
    app.register_blueprint(bp)
    app.cli.add_command(create_user_command)
    app.cli.add_command(permissions_command)
