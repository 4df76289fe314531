"""A bounced address is recorded (`flask mail bounce`, or from a bounce message), gets no more
mail, and its owner sees why on their account page and can ask for mail again."""

from sqlalchemy import func, select

from lms.mail import MailBounce, bounce_of
from lms.notifications.cli import dsn_failures
from tests import factories, mailbox

DSN = b"""From: MAILER-DAEMON@mx.example.org
To: no-reply@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; Gone.Person@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

Final-Recipient: rfc822; slow@example.org
Action: delayed
Status: 4.4.1
--B--
"""


def test_the_command_records_a_bounce_and_mail_stops(app, db, runner, client, login):
    user = factories.make_user(email="halima@example.org")
    db.session.commit()
    result = runner.invoke(args=["mail", "bounce", "Halima@Example.org", "--reason", "550 mailbox full"])
    assert result.exit_code == 0, result.output
    assert "halima" not in result.output  # nothing personal in the terminal's log either
    assert bounce_of("halima@example.org").reason == "550 mailbox full"
    client.submit("/password/forgot", {"email": user.email})
    assert mailbox.messages(app) == []
    login(user)
    account = client.get("/account").get_data(as_text=True)
    assert "came back undelivered" in account
    settings = client.get("/account/notifications").get_data(as_text=True)
    assert "550 mailbox full" in settings
    # Their mailbox works again: they say so, and mail resumes.
    assert client.submit("/account/notifications/bounce").status_code == 302
    assert bounce_of(user.email) is None
    assert "came back undelivered" not in client.get("/account").get_data(as_text=True)


def test_failed_recipients_are_read_from_a_delivery_status_notification(app, db, runner, tmp_path):
    assert dsn_failures(DSN) == [("Gone.Person@example.org", "5.1.1 550 5.1.1 User unknown")]
    path = tmp_path / "bounce.eml"
    path.write_bytes(DSN)
    result = runner.invoke(args=["mail", "bounce", "--dsn", str(path)])
    assert result.exit_code == 0, result.output
    assert bounce_of("gone.person@example.org") is not None and bounce_of("slow@example.org") is None


def test_hostile_input_is_refused_and_records_nothing(app, db, runner, tmp_path):
    for args in (
        ["mail", "bounce", "a\x00b@example.org"],
        ["mail", "bounce", "not an address"],
        ["mail", "bounce"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "Traceback" not in result.output
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\x00\xff" * 1000)
    assert runner.invoke(args=["mail", "bounce", "--dsn", str(junk)]).exit_code == 1
    assert db.session.execute(select(func.count()).select_from(MailBounce)).scalar_one() == 0
    assert runner.invoke(args=["mail", "unbounce", "x\x00@example.org"]).exit_code == 0
