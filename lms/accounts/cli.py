"""`flask --app wsgi users ...`: manage accounts from a terminal or a provisioning script. Each
command is one unit of work: all of it is written, or (exit status 1) nothing."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.accounts import services
from lms.roles import Role
from lms.unit_of_work import transactional

ROLE_CHOICE = click.Choice([role.value for role in Role])


@click.group()
def users() -> None:
    """Create accounts and change their roles."""


def _user_or_fail(email: str):
    user = services.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}.")
    return user


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name as printed on certificates.")
@click.option("--role", type=ROLE_CHOICE, default=Role.LEARNER.value, show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when omitted; pass it only in scripts.",
)
@with_appcontext
@transactional
def create(email: str, full_name: str, role: str, password: str) -> None:
    """Create an account."""
    try:
        user = services.create_user(email=email, full_name=full_name, password=password, role=Role(role))
    except services.AccountError as error:
        raise click.ClickException(f"{error.field or 'account'}: {error}") from None
    click.echo(f"Created {user.email} ({user.role.value}).")


@users.command("set-role")
@click.option("--email", required=True)
@click.option("--role", type=ROLE_CHOICE, required=True)
@with_appcontext
@transactional
def set_role(email: str, role: str) -> None:
    """Change the role of an account."""
    user = _user_or_fail(email)
    services.set_role(user, Role(role))
    click.echo(f"{user.email} is now {user.role.value}.")


@users.command("deactivate")
@click.option("--email", required=True)
@with_appcontext
@transactional
def deactivate(email: str) -> None:
    """Stop an account from signing in (its records are kept)."""
    user = _user_or_fail(email)
    services.set_active(user, False)
    click.echo(f"{user.email} is deactivated.")


@users.command("activate")
@click.option("--email", required=True)
@with_appcontext
@transactional
def activate(email: str) -> None:
    """Let a deactivated account sign in again."""
    user = _user_or_fail(email)
    services.set_active(user, True)
    click.echo(f"{user.email} is active.")
