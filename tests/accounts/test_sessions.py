"""Sessions that really end: a copy of the cookies taken while signed in opens nothing afterwards.

An attacker who copied someone's session cookie or remember-me cookie (a shared computer, a
stolen backup of a browser profile) keeps it. Each test takes such a copy, checks that it works,
ends the session the way a person or an administrator would, and checks that the copy now gets
the sign-in page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.accounts import sessions
from lms.accounts.models import User
from lms.accounts.sessions import SignInSession
from lms.columns import utcnow
from lms.policy import Role
from tests import mailbox
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "papaya horizon ledger 7"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def sign_in(app, user, *, remember: bool = False, user_agent: str | None = None):
    client = app.test_client()
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    headers = {"User-Agent": user_agent} if user_agent else {}
    response = client.submit("/login", data, headers=headers)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client


class Copy:
    """Copies of some of a browser's cookies, as an attacker keeps them: every attempt sends the
    same values again (a browser would drop a cookie that the server asked it to delete)."""

    def __init__(self, app, client, *names: str):
        self.app = app
        self.values = {}
        for name in names:
            cookie = client.get_cookie(name)
            assert cookie is not None, f"no {name} cookie to copy"
            self.values[name] = cookie.value

    def get(self, url: str):
        client = self.app.test_client()
        for name, value in self.values.items():
            client.set_cookie(name, value)
        return client.get(url)


def copy_of(app, client, *names: str) -> Copy:
    return Copy(app, client, *names)


def opens_learning(client) -> bool:
    response = client.get("/learning")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def session_count(db, user) -> int:
    db.session.expire_all()
    return db.session.execute(
        select(func.count()).select_from(SignInSession).where(SignInSession.user_id == user.id)
    ).scalar_one()


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_copied_cookie_opens_nothing_after_sign_out(app, make_user, cookie):
    user = make_user()
    browser = sign_in(app, user, remember=True)
    thief = copy_of(app, browser, cookie)
    assert opens_learning(thief)
    assert browser.submit("/logout").status_code == 302
    assert not opens_learning(thief)
    assert not opens_learning(browser)


def test_sign_out_ends_only_that_session(app, make_user):
    user = make_user()
    laptop, phone = sign_in(app, user), sign_in(app, user)
    laptop.submit("/logout")
    assert opens_learning(phone)


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_deactivation_by_an_administrator_ends_every_session(app, db, make_user, cookie):
    user = make_user()
    admin = sign_in(app, make_user(role=Role.ADMIN))
    thief = copy_of(app, sign_in(app, user, remember=True), cookie)
    assert opens_learning(thief)
    response = admin.submit(f"/admin/users/{user.id}", {"role": "learner"})  # "active" unticked
    assert response.status_code == 302
    assert not opens_learning(thief)
    assert session_count(db, user) == 0
    admin.submit(f"/admin/users/{user.id}", {"role": "learner", "active": "y"})
    assert not opens_learning(thief), "reactivating an account must not revive its old sessions"


def test_deactivation_from_the_command_line_ends_every_session(app, db, make_user):
    user = make_user()
    thief = copy_of(app, sign_in(app, user, remember=True), "session", "remember_token")
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert not opens_learning(thief)
    assert session_count(db, user) == 0


def test_sign_out_everywhere_ends_every_session_including_this_one(app, db, make_user):
    user = make_user()
    laptop = sign_in(app, user, remember=True)
    phone = sign_in(app, user)
    copies = [
        copy_of(app, laptop, "session"),
        copy_of(app, laptop, "remember_token"),
        copy_of(app, phone, "session"),
    ]
    assert all(opens_learning(copy) for copy in copies)
    page = laptop.get("/account").get_data(as_text=True)
    assert 'action="/account/sessions/end-all"' in page and "Sign out everywhere" in page
    response = laptop.submit("/account/sessions/end-all")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not any(opens_learning(client) for client in [laptop, phone, *copies])
    assert session_count(db, user) == 0


def test_sign_out_everywhere_needs_a_post_with_a_csrf_token(app, make_user):
    user = make_user()
    laptop = sign_in(app, user)
    assert laptop.get("/account/sessions/end-all").status_code == 405
    assert laptop.post("/account/sessions/end-all").status_code == 400  # no CSRF token
    assert opens_learning(laptop)


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user()
    phone = sign_in(app, user, remember=True)
    phone_copy = copy_of(app, phone, "remember_token")
    laptop = sign_in(app, user)
    response = laptop.submit(
        "/account/password", {"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert opens_learning(laptop)
    assert not opens_learning(phone)
    assert not opens_learning(phone_copy)


def test_a_password_reset_ends_every_session(app, make_user):
    user = make_user()
    thief = copy_of(app, sign_in(app, user, remember=True), "remember_token")
    visitor = app.test_client()
    visitor.submit("/password/forgot", {"email": user.email})
    (body,) = mailbox.bodies(app)
    (link,) = mailbox.links(body)
    assert (
        visitor.submit(link.removeprefix("http://localhost"), {"password": NEW_PASSWORD}).status_code == 302
    )
    assert not opens_learning(thief)


def test_the_cookies_carry_a_random_key_stored_only_as_its_hash(app, db, make_user):
    user = make_user()
    browser = sign_in(app, user, remember=True)
    serializer = app.session_interface.get_signing_serializer(app)
    key = serializer.loads(browser.get_cookie("session").value)["_user_id"]
    assert len(key) >= 40 and str(user.id) != key.partition(":")[0]
    assert key in browser.get_cookie("remember_token").value
    stored = db.session.execute(select(SignInSession.key_hash)).scalars().all()
    assert len(stored) == 1 and key not in stored[0] and len(stored[0]) == 64


@pytest.mark.parametrize("forged", ["", "1", "1:0123456789abcdef0123456789abcdef", "x" * 10_000, "\u202e"])
def test_forged_keys_load_nobody(app, db, make_user, forged):
    make_user()
    with app.test_request_context():
        assert sessions.load(forged) is None


def test_the_user_loader_is_one_sql_statement(app, db, make_user, count_queries):
    user = make_user()
    browser = sign_in(app, user)
    key = app.session_interface.get_signing_serializer(app).loads(browser.get_cookie("session").value)[
        "_user_id"
    ]
    with app.test_request_context(), count_queries() as counter:
        loaded = sessions.load(key)
    assert loaded is not None and loaded.id == user.id
    assert counter.count == 1, counter.statements


def test_an_idle_session_expires(app, db, make_user):
    user = make_user()
    browser = sign_in(app, user)
    db.session.execute(update(SignInSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not opens_learning(browser)


def test_use_moves_the_idle_expiry_forward_but_at_most_every_few_minutes(app, db, make_user, count_queries):
    user = make_user()
    browser = sign_in(app, user)
    an_hour_ago = utcnow() - timedelta(hours=1)
    db.session.execute(
        update(SignInSession).values(last_seen_at=an_hour_ago, expires_at=utcnow() + timedelta(minutes=1))
    )
    db.session.commit()
    assert opens_learning(browser)
    db.session.expire_all()
    sign_in_row = db.session.execute(select(SignInSession)).scalar_one()
    idle = timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"])
    assert sign_in_row.last_seen_at > an_hour_ago
    assert sign_in_row.expires_at > utcnow() + idle - timedelta(minutes=1)
    with count_queries() as counter:
        assert opens_learning(browser)  # seen a moment ago: no write
    assert not any(statement.lstrip().upper().startswith("UPDATE") for statement in counter.statements)


def test_a_failed_request_does_not_move_the_expiry(app, db, make_user):
    user = make_user()
    browser = sign_in(app, user)
    an_hour_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(SignInSession).values(last_seen_at=an_hour_ago))
    db.session.commit()
    assert browser.get("/courses/no-such-course").status_code == 404
    db.session.expire_all()
    assert db.session.execute(select(SignInSession.last_seen_at)).scalar_one() == an_hour_ago


def test_a_remembered_session_lasts_as_long_as_its_cookie(app, db, make_user):
    user = make_user()
    before = utcnow()
    sign_in(app, user, remember=True)
    expires = db.session.execute(select(SignInSession.expires_at)).scalar_one()
    duration = timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])
    assert before + duration - timedelta(seconds=5) <= expires <= utcnow() + duration


def test_signing_in_forgets_the_persons_expired_sessions(app, db, make_user):
    user = make_user()
    sign_in(app, user)
    db.session.execute(update(SignInSession).values(expires_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    sign_in(app, user)
    assert session_count(db, user) == 1


def test_the_account_page_lists_sessions_by_browser_and_system_without_addresses(app, make_user):
    user = make_user()
    sign_in(app, user, user_agent=FIREFOX_ANDROID, remember=True)
    laptop = sign_in(app, user, user_agent=CHROME_WINDOWS)
    page = laptop.get("/account", headers={"User-Agent": CHROME_WINDOWS}).get_data(as_text=True)
    assert "Firefox Mobile on Android" in page
    assert "Chrome on Windows" in page
    assert "this device" in page and "kept signed in" in page
    assert "127.0.0.1" not in page  # the address both signed in from
    assert FIREFOX_ANDROID not in page  # the family only, never the whole User-Agent


def test_signing_out_another_device_from_the_account_page(app, db, make_user):
    user = make_user()
    phone = sign_in(app, user)
    laptop = sign_in(app, user)
    phone_session = db.session.execute(select(SignInSession).order_by(SignInSession.id)).scalars().first()
    response = laptop.submit(f"/account/sessions/{phone_session.id}/end")
    assert response.status_code == 302
    assert not opens_learning(phone)
    assert opens_learning(laptop)


def test_nobody_can_end_another_persons_session(app, db, make_user):
    victim, attacker = make_user(), make_user()
    victim_browser = sign_in(app, victim)
    attacker_browser = sign_in(app, attacker)
    victim_session = db.session.execute(
        select(SignInSession).where(SignInSession.user_id == victim.id)
    ).scalar_one()
    assert attacker_browser.submit(f"/account/sessions/{victim_session.id}/end").status_code == 404
    assert opens_learning(victim_browser)


def test_ending_this_devices_session_from_the_list_signs_out(app, db, make_user):
    user = make_user()
    browser = sign_in(app, user)
    (only,) = db.session.execute(select(SignInSession.id)).scalars().all()
    assert browser.submit(f"/account/sessions/{only}/end").status_code == 302
    assert not opens_learning(browser)


def test_deleting_an_account_deletes_its_sessions(app, db, make_user):
    """The foreign key cascades, so personal-data erasure needs no extra step for sessions."""
    user = make_user()
    sign_in(app, user)
    db.session.execute(User.__table__.delete().where(User.id == user.id))
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(SignInSession)).scalar_one() == 0


def test_users_created_from_the_command_line_sign_in(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@example.org",
            "--name",
            "Cli Person",
            "--password",
            NEW_PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    response = app.test_client().submit("/login", {"email": "cli@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
