"""The cohort upload page: a template to fill in, the accepted values in the reader's language,
and common synonyms accepted when they mean one thing only."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from lms.accounts.models import Gender, ProfileRole, User
from lms.enrolment import cohort
from tests import factories
from tests.enrolment.test_cohort import HEADER, setup_admin, upload


def test_the_template_is_a_csv_with_the_columns_and_an_example(db, client, login):
    setup_admin(db, login)
    response = client.get("/admin/cohort-template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'attachment; filename="cohort-template.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0] == list(cohort.COLUMNS) and tuple(rows[1]) == cohort.EXAMPLE_ROW


def test_the_template_uploaded_unchanged_is_refused(db, client, login):
    setup_admin(db, login)
    template = client.get("/admin/cohort-template.csv").get_data()
    response = client.submit("/admin/courses/open/cohort", {"file": (io.BytesIO(template), "t.csv")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert "Line 2: this is the template&#39;s example row" in response.get_data(as_text=True)
    assert db.session.execute(select(User).where(User.email == cohort.EXAMPLE_ROW[0])).first() is None


def test_the_page_lists_accepted_values_in_the_interface_language(db, client, login):
    setup_admin(db, login)
    page = client.get("/admin/courses/open/cohort").get_data(as_text=True)
    assert "<code>leader-administrator</code></td><td>Institutional leader or administrator" in page
    assert "lecturer" in page and "<code>KE</code></td><td>Kenya" in page
    client.set_cookie("lang", "fr")
    page = client.get("/admin/courses/open/cohort").get_data(as_text=True)
    assert "<code>KE</code></td><td>Kenya" in page and "<code>DE</code></td><td>Allemagne" in page
    assert "<code>woman</code></td><td>Femme" in page


def test_synonyms_accents_and_labels_in_other_languages_are_accepted(app, db, client, login):
    setup_admin(db, login)
    text = HEADER + (
        "a@uonbi.ac.ke,Awino Otieno,Female,Kenya,UoN,Lecturer\n"
        "b@ucad.sn,Babacar Ndiaye,HOMME,Sénégal,UCAD,Enseignant\n"
        "c@ucad.sn,Coumba Fall,femme,senegal,UCAD,DEAN\n"
        "d@unl.pt,Duarte Sousa,masculino,Alemanha,UNL,Policy_Maker\n"
        "e@ui.ac.id,Eka Putri,perempuan,IDN,UI,  faculty   member \n"
    )
    response = upload(client, text)
    assert response.status_code == 302, response.get_data(as_text=True)
    people = {u.email: u for u in db.session.execute(select(User).where(User.email.like("%@%.%"))).scalars()}
    assert (people["a@uonbi.ac.ke"].gender, people["a@uonbi.ac.ke"].profile_role) == (Gender.WOMAN,
                                                                                      ProfileRole.FACULTY)  # fmt: skip
    assert (people["b@ucad.sn"].gender, people["b@ucad.sn"].country) == (Gender.MAN, "SN")
    assert people["c@ucad.sn"].profile_role is ProfileRole.LEADER
    assert (people["d@unl.pt"].country, people["d@unl.pt"].profile_role) == ("DE", ProfileRole.POLICY_MAKER)
    assert (people["e@ui.ac.id"].gender, people["e@ui.ac.id"].country) == (Gender.WOMAN, "ID")


def test_an_ambiguous_or_unknown_word_is_refused_naming_its_line_and_nothing_is_written(db, client, login):
    setup_admin(db, login)
    before = db.session.execute(select(User.id)).all()
    text = HEADER + (
        "ok@uonbi.ac.ke,Ok Person,woman,KE,UoN,faculty\n"
        "staff@uonbi.ac.ke,Staff Person,woman,KE,UoN,Staff\n"
        "x@uonbi.ac.ke,X Person,wizard,Atlantis,UoN,astronaut\x00\n"
    )
    response = upload(client, text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        "Line 3: “Staff” has several meanings (faculty, leader-administrator); write the one you mean."
        in page
    )
    assert "Line 4: gender must be" in page and "Line 4: unknown country “Atlantis”." in page
    assert "Line 4: profile_role must be" in page
    db.session.expire_all()
    assert db.session.execute(select(User.id)).all() == before


def test_only_administrators_get_the_template(db, client, login):
    learner = factories.make_user()
    db.session.commit()
    login(learner)
    assert client.get("/admin/cohort-template.csv").status_code == 403
