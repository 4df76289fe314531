"""The real queue: a Celery worker subprocess against Redis delivers mail, once, retrying with
back-off while the mail server is down, and logs no address; it runs an export job too."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from lms.extensions import db
from lms.mail import MailDelivery, send_mail
from lms.roles import Role
from tests import factories, mailbox
from tests.certificates.conftest import complete_course
from tests.worker import wait_for

REGISTRATION = {
    "email": "amina.diallo@example.edu",
    "full_name": "Amina Diallo",
    "gender": "woman",
    "country": "SN",
    "institution": "Université Cheikh Anta Diop",
    "profile_role": "faculty",
    "password": "a long enough passphrase 42",
    "confirm": "a long enough passphrase 42",
}


def received(mails, address):
    with mails.lock:
        return [message for message in mails.messages if message["To"] == address]


def test_a_mail_from_a_request_is_delivered_by_the_worker_not_the_request(queued_app, mails, worker_log):
    client = queued_app.test_client()
    response = client.submit("/register", REGISTRATION)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    (message,) = wait_for(lambda: received(mails, REGISTRATION["email"]), log=worker_log, what="delivery")
    assert "/register/confirm/" in message.get_content()
    assert message["Message-ID"].endswith("@localhost>")
    assert mailbox.messages(queued_app) == []  # the web process wrote nothing itself

    def delivered():  # recorded by the worker just after sending
        with queued_app.app_context():
            return db.session.execute(select(MailDelivery.message_id)).scalars().all()

    assert wait_for(delivered, log=worker_log, what="the delivery record") == [message["Message-ID"]]
    # The worker logs "succeeded" after the task returns, which may be after the mail arrived.
    log = wait_for(lambda: "succeeded" in worker_log.read_text() and worker_log.read_text(), log=worker_log)
    assert "lms.mail.deliver" in log
    assert REGISTRATION["email"] not in log and "amina" not in log.lower()


def test_a_message_delivered_twice_is_sent_once(queued_app, mails, worker_log):
    celery = queued_app.extensions["celery"]
    args = ["<twice@localhost>", "Wed, 02 Dec 2026 00:00:00 +0000", "twice@example.org", "Hello", "Body"]
    for _ in range(2):  # as a broker redelivers a task whose worker died after sending
        celery.tasks["lms.mail.deliver"].apply_async(args=args).get(timeout=60)
    assert len(received(mails, "twice@example.org")) == 1


def test_a_mail_server_that_is_down_is_retried_with_back_off_until_it_answers(queued_app, mails, worker_log):
    mails.refusing.set()
    refused_before = mails.refused
    with queued_app.app_context():
        send_mail("later@example.org", "Your account", "Choose a password.")
    wait_for(lambda: mails.refused > refused_before, log=worker_log, what="a refused attempt")
    mails.refusing.clear()
    (message,) = wait_for(lambda: received(mails, "later@example.org"), log=worker_log, what="delivery")
    assert message["Subject"] == "Your account"
    log = worker_log.read_text()
    assert "Retry in" in log and "SMTPConnectError 421" in log
    assert "later@example.org" not in log


def test_an_export_job_runs_on_the_worker_and_its_owner_follows_it(queued_app, app, mails, worker_log):
    with app.app_context():
        course = factories.make_course("worker-course", modules=1, lessons=1, quiz=False)
        for index in range(3):
            complete_course(factories.make_user(full_name=f"Holder {index}"), course)
        admin = factories.make_user(role=Role.ADMIN, email="worker-admin@example.org")
        db.session.commit()
        admin_email = admin.email
    client = queued_app.test_client()
    client.submit("/login", {"email": admin_email, "password": factories.DEFAULT_PASSWORD})
    response = client.submit("/admin/certificates/export?course=worker-course")
    assert response.status_code == 302
    job_page = response.headers["Location"]
    first = client.get(job_page).get_data(as_text=True)  # the request only queued it
    assert "Ready." in first or 'http-equiv="refresh"' in first

    def ready():
        page = client.get(job_page).get_data(as_text=True)
        return "Ready." in page and page

    wait_for(ready, log=worker_log, what="the export job")
    download = client.get(job_page + "/download")
    archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
    download.close()
    assert len([name for name in archive.namelist() if name.endswith(".pdf")]) == 3
    (message,) = wait_for(lambda: received(mails, admin_email), log=worker_log, what="the ready mail")
    assert "http://localhost" + job_page in message.get_content()
    assert "lms.jobs.run" in worker_log.read_text()
