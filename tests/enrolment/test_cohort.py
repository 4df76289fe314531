"""Administrators enrol a cohort from CSV: every row checked first, all or nothing."""

import io

from sqlalchemy import func, select

from lms.accounts.models import Gender, User
from lms.enrolment.models import Enrolment, EnrolmentSource
from lms.jobs.models import Job, JobState
from lms.roles import Role
from tests import factories, mailbox

HEADER = "email,full_name,gender,country,institution,profile_role\n"


def upload(client, text: str, slug: str = "open"):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "cohort.csv")}
    return client.submit(f"/admin/courses/{slug}/cohort", data, content_type="multipart/form-data")


def counts(db):
    db.session.expire_all()
    users = db.session.execute(select(func.count()).select_from(User)).scalar_one()
    enrolled = db.session.execute(select(func.count()).select_from(Enrolment)).scalar_one()
    return users, enrolled


def setup_admin(db, login):
    factories.make_course("open")
    admin = factories.make_user(role=Role.ADMIN)
    db.session.commit()
    login(admin)


def test_a_good_file_creates_accounts_enrols_and_invites(app, client, db, login, make_user):
    setup_admin(db, login)
    make_user(email="known@example.org")
    text = HEADER + (
        "new.person@uonbi.ac.ke,Wanjiku Kamau,woman,KE,University of Nairobi,faculty\n"
        "KNOWN@example.org,Someone Known,man,Kenya,,other\n"
        "tran@hus.edu.vn,Trần Văn An,Man,VNM,Hue University,Faculty member\n"
    )
    response = upload(client, "\ufeff" + text)
    assert response.status_code == 302  # to the import job's page (the job ran in-process)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 enrolled (2 new accounts, invited by email); 0 were already enrolled." in page
    job = db.session.execute(select(Job)).scalar_one()
    assert job.state is JobState.SUCCEEDED and job.params == {"course": "open", "rows": 3}  # no emails kept
    users, enrolled = counts(db)
    assert (users, enrolled) == (4, 3)
    wanjiku = db.session.execute(select(User).where(User.email == "new.person@uonbi.ac.ke")).scalar_one()
    assert wanjiku.gender is Gender.WOMAN and wanjiku.country == "KE" and not wanjiku.has_usable_password
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.user_id == wanjiku.id)).scalar_one()
    assert enrolment.source is EnrolmentSource.COHORT
    from pathlib import Path

    invitations = list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert len(invitations) >= 2


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(client, db, login):
    setup_admin(db, login)
    before = counts(db)
    text = HEADER + (
        "good@example.org,Good Person,woman,KE,Uni,faculty\n"
        "not-an-email,Bad Email,woman,KE,Uni,faculty\n"
        "x@example.org,,robot,Atlantis,Uni,astronaut\n"
        "good@example.org,Duplicate,woman,KE,Uni,faculty\n"
    )
    response = upload(client, text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Line 3: Enter a valid email address" in html
    assert "Line 4: Please enter your name." in html
    assert (
        "Line 4: gender must be" in html
        and "Line 4: unknown country" in html
        and "Line 4: profile_role must be" in html
    )
    assert "Line 5: the same email is on line 2." in html
    assert counts(db) == before


def test_missing_columns_and_non_utf8_files_are_explained(client, db, login):
    setup_admin(db, login)
    assert "missing columns: gender" in upload(
        client, "email,full_name,country,institution,profile_role\n"
    ).get_data(as_text=True)
    data = {"file": (io.BytesIO("email\nçà".encode("latin-1")), "c.csv")}
    response = client.submit("/admin/courses/open/cohort", data, content_type="multipart/form-data")
    assert response.status_code == 400 and "not UTF-8" in response.get_data(as_text=True)


def test_formula_looking_cells_are_kept_as_text(client, db, login):
    setup_admin(db, login)
    upload(client, HEADER + 'a@example.org,Ann Bee,woman,KE,"=HYPERLINK(""http://x"")",faculty\n')
    user = db.session.execute(select(User).where(User.email == "a@example.org")).scalar_one()
    assert user.institution == '=HYPERLINK("http://x")'


def test_a_refusal_after_the_accounts_were_made_rolls_everything_back_and_sends_no_mail(
    app, client, db, login
):
    """The accounts are created (and flushed) before each enrolment is refused: the 400 page
    rolls them back with the request's unit of work, and no welcome mail leaves."""
    factories.make_course("closed", published=False)
    admin = factories.make_user(role=Role.ADMIN)
    db.session.commit()
    login(admin)
    before = counts(db)
    text = (
        HEADER
        + "first@example.org,First Person,woman,KE,Uni,faculty\nsecond@example.org,Second Person,man,KE,Uni,other\n"
    )
    response = upload(client, text, slug="closed")
    assert response.status_code == 302  # to the import job's page: the job failed
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was imported" in page and "Try again" in page
    assert "Line 2: This course is not open for enrolment." in page
    assert counts(db) == before
    assert [message["To"] for message in mailbox.messages(app)] == [admin.email]  # "Failed: ...", no welcome


GOOD = "good@example.org,Good Person,woman,KE,Uni,faculty\n"


def refused(client, db, text: str) -> str:
    before = counts(db)
    response = upload(client, text)
    assert response.status_code == 400
    assert counts(db) == before
    return response.get_data(as_text=True)


def test_a_value_longer_than_the_csv_field_limit_is_a_problem_at_its_line(client, db, login):
    setup_admin(db, login)
    html = refused(
        client, db, HEADER + GOOD + "long@example.org,Long Name,woman,KE," + "U" * 131_073 + ",faculty\n"
    )
    assert "Line 3: a value is longer than 131,072 characters." in html


def test_rows_missing_trailing_columns_are_each_reported(client, db, login):
    setup_admin(db, login)
    text = (
        HEADER
        + GOOD
        + "short@example.org,Short Row,woman,KE\n"
        + GOOD.replace("good", "fine")
        + "only@example.org\n"
    )
    html = refused(client, db, text)
    assert "Line 3: the row has 4 values but the header has 6 columns." in html
    assert "Line 5: the row has 1 values but the header has 6 columns." in html
    assert "Line 4" not in html


def test_values_beyond_the_header_are_reported(client, db, login):
    setup_admin(db, login)
    html = refused(client, db, HEADER + "a@example.org,Bee, Ann,woman,KE,Uni,faculty\n")
    assert "Line 2: the row has 7 values but the header has 6 columns." in html


def test_an_unterminated_quote_on_the_last_row_does_not_become_a_name(client, db, login):
    setup_admin(db, login)
    html = refused(client, db, HEADER + GOOD + 'last@example.org,"Last Person,woman,KE,Uni,faculty\n')
    assert "Line 3: a quote (&#34;) opens a value that is never closed." in html
    assert db.session.execute(select(User).where(User.email == "good@example.org")).first() is None


def test_text_after_a_closing_quote_is_a_problem(client, db, login):
    setup_admin(db, login)
    html = refused(client, db, HEADER + 'a@example.org,"Ann" Bee,woman,KE,Uni,faculty\n')
    assert "Line 2: this line is not valid CSV (check its quotes)." in html
