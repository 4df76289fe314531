"""A reply tells the thread's author, once, in their language, with a link to the reply; their own
replies, a held reply and a withdrawn author tell no one."""

from __future__ import annotations

from sqlalchemy import select, update

from lms.accounts.models import User
from lms.notifications.models import Kind, Mode, Notification
from lms.notifications.services import set_preference
from tests import mailbox
from tests.discussions.conftest import reply_to, start_thread


def notices(db, user) -> list[Notification]:
    db.session.rollback()
    return list(db.session.execute(select(Notification).where(Notification.user_id == user.id)).scalars())


def test_a_reply_mails_the_thread_author_with_a_link_to_the_reply(
    app, client, login, learner, classmate, switch_to, db
):
    login(learner)
    thread_id = start_thread(client, title="Citing a video")
    switch_to(classmate)
    mailbox.clear(app)
    post_id = reply_to(client, thread_id, "Use the **APA** format.")
    [notice] = notices(db, learner)
    assert (
        notice.kind is Kind.REPLY and notice.key == f"reply:{post_id}" and "Citing a video" in notice.subject
    )
    [message] = mailbox.messages(app)
    assert message["To"] == learner.email and message["List-Unsubscribe"]
    assert f"http://localhost/courses/ict-basics/discussions/posts/{post_id}" in message.get_content()
    assert notices(db, classmate) == []  # the replier is not told of their own reply


def test_the_authors_own_reply_and_the_never_setting_send_nothing(
    app, client, login, learner, classmate, switch_to, db
):
    login(learner)
    thread_id = start_thread(client)
    mailbox.clear(app)
    reply_to(client, thread_id, "Answering myself.")
    assert notices(db, learner) == [] and mailbox.messages(app) == []
    set_preference(learner.id, Kind.REPLY, Mode.NEVER)
    db.session.commit()
    switch_to(classmate)
    reply_to(client, thread_id, "Another reply.")
    assert len(notices(db, learner)) == 1  # on the notifications page, not mailed
    assert mailbox.messages(app) == []


def test_a_reply_in_the_authors_language(app, client, login, learner, classmate, switch_to, db):
    db.session.execute(update(User).where(User.id == learner.id).values(language="fr"))
    db.session.commit()
    login(learner)
    thread_id = start_thread(client, title="Citer une vidéo")
    switch_to(classmate)
    mailbox.clear(app)
    reply_to(client, thread_id)
    [notice] = notices(db, learner)
    assert notice.subject.startswith("Nouvelle réponse"), notice.subject


def test_a_withdrawn_author_is_told_nothing(app, client, login, learner, classmate, switch_to, db):
    login(learner)
    thread_id = start_thread(client)
    db.session.execute(update(User).where(User.id == learner.id).values(withdrawn_at=User.created_at))
    db.session.commit()
    switch_to(classmate)
    mailbox.clear(app)
    reply_to(client, thread_id)
    assert notices(db, learner) == [] and mailbox.messages(app) == []
