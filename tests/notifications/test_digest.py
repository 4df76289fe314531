"""The weekly digest: one mail per person with their waiting notifications of weekly kinds."""

from lms.mail import record_bounce
from lms.notifications import services
from lms.notifications.models import Kind, Mode
from lms.unit_of_work import unit_of_work
from tests import factories, mailbox


def weekly(user, *kinds):
    for kind in kinds:
        services.set_preference(user.id, kind, Mode.WEEKLY)


def test_one_digest_lists_each_persons_weekly_notifications_once(app, db):
    amina, bola = factories.make_user(full_name="Amina"), factories.make_user(full_name="Bola")
    with unit_of_work():
        weekly(amina, Kind.ANNOUNCEMENT, Kind.REMINDER)
        weekly(bola, Kind.ANNOUNCEMENT)
        services.notify(
            amina, Kind.ANNOUNCEMENT, "announcement:1", "Week one starts", link="http://localhost/a"
        )
        services.notify(amina, Kind.REMINDER, "reminder:1", "Continue your course")
        services.notify(amina, Kind.REPLY, "reply:1", "A reply, mailed at once")
        services.notify(bola, Kind.ANNOUNCEMENT, "announcement:1", "Week one starts")
    mailbox.clear(app)  # the reply went at once
    assert services.send_digests() == 2
    by_recipient = {message["To"]: message for message in mailbox.messages(app)}
    text = by_recipient[amina.email].get_content()
    assert "Week one starts" in text and "http://localhost/a" in text and "Continue your course" in text
    assert "A reply" not in text
    assert by_recipient[amina.email]["List-Unsubscribe"]
    # Run again (beat twice, a retried task): nothing new, nothing sent.
    mailbox.clear(app)
    assert services.send_digests() == 0
    assert mailbox.messages(app) == []


def test_nothing_waiting_means_no_digest(app, db):
    user = factories.make_user()
    with unit_of_work():
        weekly(user, Kind.ANNOUNCEMENT)
    assert services.send_digests() == 0
    assert mailbox.messages(app) == []


def test_a_bounced_address_gets_no_digest(app, db):
    user = factories.make_user()
    with unit_of_work():
        weekly(user, Kind.ANNOUNCEMENT)
        services.notify(user, Kind.ANNOUNCEMENT, "announcement:1", "News")
        record_bounce(user.email)
    assert services.send_digests() == 0
    assert mailbox.messages(app) == []


def test_a_long_week_is_cut_to_50_items_and_says_how_many_more(app, db):
    user = factories.make_user()
    with unit_of_work():
        weekly(user, Kind.ANNOUNCEMENT)
        for n in range(53):
            services.notify(user, Kind.ANNOUNCEMENT, f"announcement:{n}", f"News {n}")
    assert services.send_digests() == 1
    [message] = mailbox.messages(app)
    assert message.get_content().count("* News") == 50 and "And 3 more." in message.get_content()


def test_the_cli_sends_the_digests(app, db, runner):
    user = factories.make_user()
    with unit_of_work():
        weekly(user, Kind.ANNOUNCEMENT)
        services.notify(user, Kind.ANNOUNCEMENT, "announcement:1", "News")
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "Sent 1 digests." in result.output
    assert len(mailbox.messages(app)) == 1
