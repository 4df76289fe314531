"""Changing and resetting passwords; reset links are signed, expiring and single-use."""

import email
import email.policy
import re
from pathlib import Path

from lms.accounts.tokens import make_reset_token, user_for_reset_token
from lms.extensions import db as _db
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "papaya horizon ledger 7"


def outbox_messages(app) -> list[str]:
    folder = Path(app.config["OUTBOX_DIR"])
    if not folder.exists():
        return []
    messages = (
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in folder.glob("*.eml")
    )
    return sorted(message.get_content() for message in messages)


def clear_outbox(app):
    folder = Path(app.config["OUTBOX_DIR"])
    for path in folder.glob("*.eml"):
        path.unlink()


def reset_link(message: str) -> str:
    return re.search(r"http://localhost(/password/reset/\S+)", message).group(1)


def test_change_password_needs_the_current_one(client, login, make_user):
    login(make_user())
    response = client.submit(
        "/account/password", {"current_password": "wrong wrong wrong", "password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert "current password is not correct" in response.get_data(as_text=True)


def test_change_password_signs_out_other_devices(app, client, login, make_user):
    user = make_user()
    other_device = app.test_client()
    other_device.submit("/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    login(user)
    response = client.submit(
        "/account/password", {"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_forgotten_password_answers_the_same_for_unknown_emails(app, client, make_user):
    clear_outbox(app)
    make_user(email="known@example.org")
    known = client.submit("/password/forgot", {"email": "known@example.org"})
    unknown = client.submit("/password/forgot", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 200
    # The CSRF token is signed with a timestamp: it differs when the two requests straddle a second.
    assert without_csrf_token(known) == without_csrf_token(unknown)
    assert len(outbox_messages(app)) == 1


def without_csrf_token(response) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))


def test_reset_link_sets_a_password_once(app, client, make_user):
    clear_outbox(app)
    user = make_user(email="known@example.org")
    client.submit("/password/forgot", {"email": user.email})
    link = reset_link(outbox_messages(app)[0])

    assert client.submit(link, {"password": NEW_PASSWORD}).status_code == 302
    assert client.submit("/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 302

    reused = app.test_client().submit(link, {"password": "another new passphrase"})
    assert reused.status_code == 400
    assert "no longer valid" in reused.get_data(as_text=True)


def test_reset_link_refuses_a_weak_password(app, client, make_user):
    clear_outbox(app)
    user = make_user()
    client.submit("/password/forgot", {"email": user.email})
    link = reset_link(outbox_messages(app)[0])
    response = client.submit(link, {"password": "1234567890"})
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)


def test_expired_reset_token_is_refused(app, make_user):
    with app.test_request_context():
        user = make_user()
        token = make_reset_token(user)
        assert user_for_reset_token(token, max_age=3600) == user
        assert user_for_reset_token(token, max_age=-1) is None


def test_forged_reset_token_is_refused(client):
    response = client.get("/password/reset/WzEsImFiYyJd.forged.signature")
    assert response.status_code == 400


def test_reset_mail_log_names_the_file_not_the_address(app, client, make_user, caplog):
    user = make_user(email="private.person@example.org")
    with caplog.at_level("INFO"):
        client.submit("/password/forgot", {"email": user.email})
    assert "outbox" in caplog.text
    assert "private.person" not in caplog.text


def test_deactivated_account_gets_no_reset_link(app, client, make_user):
    clear_outbox(app)
    user = make_user(active=False)
    client.submit("/password/forgot", {"email": user.email})
    assert outbox_messages(app) == []
    _db.session.remove()
