"""Registration tells nobody whether an address has an account, and cannot be used to take one.

The attacker here either wants to learn who is registered (by the answer, its timing or its
limits) or registers somebody else's address first, hoping to share the account later.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.accounts import models, services
from lms.accounts.models import User
from lms.extensions import limiter
from tests import mailbox
from tests.factories import DEFAULT_PASSWORD

FORM = {
    "full_name": "Amina Yusuf",
    "password": "tamarind lantern 2026",
    "gender": "woman",
    "country": "NG",
    "institution": "Ahmadu Bello University",
    "profile_role": "faculty",
}
ATTACKER_PASSWORD = "mallory crowbar window 9"


def register(client, email: str, **changes):
    return client.submit("/register", {**FORM, "email": email, **changes})


def confirmation_paths(app) -> list[str]:
    return [
        link.removeprefix("http://localhost")
        for body in mailbox.bodies(app)
        for link in mailbox.links(body)
        if "/register/confirm/" in link
    ]


def comparable(response, email: str) -> str:
    """The page without what differs by construction: the address typed and the CSRF token."""
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def cookies_set(response) -> list[str]:
    """Set-Cookie headers with the (signed, random) session value blanked."""
    return [
        re.sub(r"^session=[^;]*", "session=…", cookie) for cookie in response.headers.getlist("Set-Cookie")
    ]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(app, make_user):
    make_user(email="taken@example.edu")
    taken = register(app.test_client(), "taken@example.edu")
    free = register(app.test_client(), "free@example.edu")
    assert taken.status_code == free.status_code == 200
    assert comparable(taken, "taken@example.edu") == comparable(free, "free@example.edu")
    assert "Check your email" in free.get_data(as_text=True)
    assert sorted(taken.headers.keys()) == sorted(free.headers.keys())
    assert cookies_set(taken) == cookies_set(free)
    assert not any(
        cookie.startswith("remember_token=") and "Expires=Thu, 01 Jan 1970" not in cookie
        for cookie in cookies_set(free)
    )


def test_the_owner_of_a_taken_address_is_told_and_their_account_is_unchanged(app, db, make_user):
    owner = make_user(email="taken@example.edu", full_name="Ngozi Okafor")
    before = (owner.full_name, owner.password_hash, owner.session_token, owner.country)
    register(app.test_client(), "TAKEN@example.edu", password=ATTACKER_PASSWORD)
    db.session.expire_all()
    owner = db.session.get(User, owner.id)
    assert (owner.full_name, owner.password_hash, owner.session_token, owner.country) == before
    (message,) = mailbox.messages(app)
    assert message["To"] == "taken@example.edu"
    body = message.get_content()
    assert "Someone tried to create an account with this email address" in body
    assert "Hello Ngozi Okafor" in body
    assert mailbox.links(body) == ["http://localhost/login", "http://localhost/password/forgot"]
    attempt = app.test_client().submit(
        "/login", {"email": "taken@example.edu", "password": ATTACKER_PASSWORD}
    )
    assert attempt.status_code == 400
    assert (
        app.test_client().submit("/login", {"email": owner.email, "password": DEFAULT_PASSWORD}).status_code
        == 302
    )


def test_both_paths_hash_the_password_so_the_time_taken_tells_nothing(app, make_user, monkeypatch):
    """`make bench BENCH_ARGS=accounts` measures the two paths; here: the same scrypt work."""
    calls = []
    for module in (models, services):
        real = module.generate_password_hash

        def spy(password, method="scrypt", salt_length=16, real=real):
            calls.append(method)
            return real(password, method=method, salt_length=salt_length)

        monkeypatch.setattr(module, "generate_password_hash", spy)
    make_user(email="taken@example.edu")
    register(app.test_client(), "taken@example.edu")
    taken_calls, calls[:] = list(calls), []
    register(app.test_client(), "free@example.edu")
    assert taken_calls == calls == ["scrypt"]


def test_a_new_account_signs_in_only_after_its_address_is_confirmed(app, db):
    client = app.test_client()
    register(client, "new@example.edu")
    login = {"email": "new@example.edu", "password": FORM["password"]}
    refused = client.submit("/login", login)
    assert refused.status_code == 400
    assert "confirm your email address first" in refused.get_data(as_text=True)
    assert len(confirmation_paths(app)) == 2  # a fresh link was sent with the correct password
    wrong = client.submit("/login", {**login, "password": "not the right one"})
    assert "The email address or password is not correct." in wrong.get_data(as_text=True)
    assert len(confirmation_paths(app)) == 2  # nothing said or sent without the password
    confirmed = client.submit(confirmation_paths(app)[-1], {"password": FORM["password"]})
    assert confirmed.status_code == 302
    assert "Signed in as Amina Yusuf" in client.get("/").get_data(as_text=True)
    client.submit("/logout")
    assert client.submit("/login", login).status_code == 302


def test_whoever_registers_someone_elses_address_cannot_use_it(app, db):
    """The owner receives the link; opening it is not enough: it asks for the password chosen
    at registration, which only the attacker knows, so the owner cannot be tricked into
    confirming an account the attacker could then sign in to."""
    attacker = app.test_client()
    register(attacker, "victim@example.edu", full_name="Mallory", password=ATTACKER_PASSWORD)
    (path,) = confirmation_paths(app)
    owner = app.test_client()
    assert owner.get(path).status_code == 200
    guessed = owner.submit(path, {"password": "the owner's own password"})
    assert guessed.status_code == 400
    assert "not the password chosen at registration" in guessed.get_data(as_text=True)
    assert db.session.execute(select(User.awaiting_confirmation)).scalar_one()
    assert (
        attacker.submit("/login", {"email": "victim@example.edu", "password": ATTACKER_PASSWORD}).status_code
        == 400
    )


def test_the_owner_takes_back_an_address_that_someone_else_registered_first(app, db):
    register(app.test_client(), "victim@example.edu", full_name="Mallory", password=ATTACKER_PASSWORD)
    (attackers_link,) = confirmation_paths(app)
    owner = app.test_client()
    register(owner, "victim@example.edu", full_name="Grace Wanjiru", password="baobab sunrise river 4")
    owners_link = confirmation_paths(app)[-1]
    assert app.test_client().get(attackers_link).status_code == 400  # the earlier link is dead
    assert owner.submit(owners_link, {"password": "baobab sunrise river 4"}).status_code == 302
    user = db.session.execute(select(User)).scalar_one()
    assert user.full_name == "Grace Wanjiru" and not user.awaiting_confirmation
    assert (
        app.test_client().submit("/login", {"email": user.email, "password": ATTACKER_PASSWORD}).status_code
        == 400
    )


def test_a_confirmation_link_works_once(app, db):
    client = app.test_client()
    register(client, "new@example.edu")
    (path,) = confirmation_paths(app)
    assert client.submit(path, {"password": FORM["password"]}).status_code == 302
    again = app.test_client().get(path)
    assert again.status_code == 400 and "no longer valid" in again.get_data(as_text=True)


def test_an_expired_or_forged_confirmation_link_is_refused(app, db, make_app):
    short = make_app(EMAIL_CONFIRMATION_MAX_AGE=-1)
    register(short.test_client(), "new@example.edu")
    (path,) = confirmation_paths(short)
    assert short.test_client().get(path).status_code == 400
    assert app.test_client().get("/register/confirm/WzEsImFiYyJd.forged.signature").status_code == 400


def test_a_password_reset_also_confirms_the_address(app, db):
    register(app.test_client(), "new@example.edu")
    mailbox.clear(app)
    visitor = app.test_client()
    visitor.submit("/password/forgot", {"email": "new@example.edu"})
    (link,) = mailbox.links(mailbox.bodies(app)[0])
    assert (
        visitor.submit(
            link.removeprefix("http://localhost"), {"password": "baobab sunrise river 4"}
        ).status_code
        == 302
    )
    response = visitor.submit("/login", {"email": "new@example.edu", "password": "baobab sunrise river 4"})
    assert response.status_code == 302


@pytest.mark.parametrize("taken", [True, False], ids=["taken", "free"])
def test_registration_is_rate_limited_the_same_way_for_every_address(make_app, make_user, taken):
    limited = make_app(RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="2 per minute")
    if taken:
        make_user(email="someone@example.edu")
    try:
        client = limited.test_client()
        codes = [register(client, "someone@example.edu").status_code for _ in range(3)]
        assert client.get("/register").status_code == 200  # the page itself is not limited
    finally:
        limiter.reset()
        limiter.enabled = False
    assert codes == [200, 200, 429]
    assert len(mailbox.messages(limited)) == 2
