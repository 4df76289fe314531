"""Signing in and out, sessions and the deactivated account."""

from lms.roles import Role
from tests.factories import DEFAULT_PASSWORD


def test_sign_in_with_email_in_any_case(client, make_user):
    user = make_user(email="kofi@example.org")
    response = client.submit("/login", {"email": "KOFI@Example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert user.full_name in client.get("/").get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    make_user(email="kofi@example.org")
    wrong_password = client.submit("/login", {"email": "kofi@example.org", "password": "nope nope nope"})
    unknown = client.submit("/login", {"email": "nobody@example.org", "password": "nope nope nope"})
    assert wrong_password.status_code == unknown.status_code == 400
    message = "The email address or password is not correct."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, make_user):
    user = make_user(active=False)
    response = client.submit("/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "deactivated" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_deactivating_an_account_ends_its_open_sessions(client, login, make_user, db):
    user = make_user()
    login(user)
    assert client.get("/account").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_sign_out_needs_post_and_ends_the_session(client, login, make_user):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.submit("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    user = make_user()
    response = client.submit(
        "/login?next=//evil.example/x", {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_next_parameter_returns_to_the_page_asked_for(client, make_user):
    user = make_user()
    response = client.submit("/login?next=/account", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/account"


def test_tampered_session_cookie_is_ignored(client, login, make_user):
    login(make_user())
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-4] + "AAAA")
    assert client.get("/account").status_code == 302


def test_remember_me_sets_an_http_only_cookie(client, make_user):
    user = make_user()
    client.submit("/login", {"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"})
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only


def test_admin_role_from_factory_reaches_admin_pages(client, login, make_user):
    login(make_user(role=Role.ADMIN))
    assert client.get("/admin/users").status_code == 200
