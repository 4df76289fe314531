"""One-click unsubscribe (RFC 8058): the link of a mail's List-Unsubscribe header works without a
session or CSRF token; a GET only asks; a forged or altered token changes nothing."""

from sqlalchemy import func, select

from lms.notifications import services
from lms.notifications.models import Kind, Mode, NotificationPreference
from lms.unit_of_work import unit_of_work
from tests import factories, mailbox


def unsubscribe_path(app) -> str:
    [message] = mailbox.messages(app)
    return message["List-Unsubscribe"].strip()[1:-1].removeprefix("http://localhost")


def mailed(app, db, kind=Kind.ANNOUNCEMENT):
    user = factories.make_user()
    with unit_of_work():
        services.notify(user, kind, f"{kind}:1", "Course news", "Text")
    return user, unsubscribe_path(app)


def test_the_one_click_post_from_a_mail_client_unsubscribes_without_a_session(app, db):
    user, path = mailed(app, db)
    client = app.test_client()  # no cookie, no CSRF token: as a mail client posts it
    response = client.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert services.preferences(user.id)[Kind.ANNOUNCEMENT] is Mode.NEVER
    assert services.preferences(user.id)[Kind.REPLY] is Mode.IMMEDIATELY  # only that kind
    # Then no more mail of that kind, but it is still on the notifications page.
    mailbox.clear(app)
    with unit_of_work():
        assert services.notify(user, Kind.ANNOUNCEMENT, "announcement:2", "More news") is not None
    assert mailbox.messages(app) == []


def test_opening_the_link_only_asks(app, client, db):
    user, path = mailed(app, db)
    page = client.get(path)
    assert page.status_code == 200 and '<form method="post">' in page.get_data(as_text=True)
    assert user.email not in page.get_data(as_text=True)  # a forwarded mail reveals nobody
    assert db.session.execute(select(func.count()).select_from(NotificationPreference)).scalar_one() == 0


def test_a_forged_or_altered_token_is_404_and_writes_nothing(app, client, db):
    user, path = mailed(app, db)
    other = factories.make_user()
    db.session.commit()
    token = path.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    forged = [
        f"{payload}.{signature[:-2]}xx",  # altered signature
        services.unsubscribe_token(other.id, "announcement").split(".")[0]
        + "."
        + signature,  # another person
        "W1s5OTk5LCJyZXBseSJdXQ.bad",
        "x" * 5000,
    ]
    for bad in forged:
        assert client.get(f"/unsubscribe/{bad}").status_code == 404, bad
        assert client.post(f"/unsubscribe/{bad}").status_code == 404, bad
    assert client.post(f"/unsubscribe/{payload}%00.{signature}").status_code == 400  # refused on arrival
    assert db.session.execute(select(func.count()).select_from(NotificationPreference)).scalar_one() == 0


def test_a_token_for_an_unknown_kind_or_person_is_404(client, db):
    from itsdangerous import URLSafeSerializer

    signer = URLSafeSerializer("test-secret-key", salt=services.UNSUBSCRIBE_SALT)
    user = factories.make_user()
    db.session.commit()
    for payload in ([user.id, "everything"], [987654, "reply"], ["1", "reply"], {"a": 1}):
        assert client.post(f"/unsubscribe/{signer.dumps(payload)}").status_code == 404


def test_the_digests_link_stops_every_weekly_kind(app, db):
    user = factories.make_user()
    with unit_of_work():
        services.set_preference(user.id, Kind.ANNOUNCEMENT, Mode.WEEKLY)
        services.set_preference(user.id, Kind.REMINDER, Mode.WEEKLY)
        services.notify(user, Kind.ANNOUNCEMENT, "announcement:1", "News")
    assert services.send_digests() == 1
    response = app.test_client().post(unsubscribe_path(app))
    assert response.status_code == 200
    chosen = services.preferences(user.id)
    assert (chosen[Kind.ANNOUNCEMENT], chosen[Kind.REMINDER], chosen[Kind.REPLY]) == (
        Mode.NEVER, Mode.NEVER, Mode.IMMEDIATELY
    )  # fmt: skip
