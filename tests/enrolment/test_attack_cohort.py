"""An outside tester's attacks on the cohort CSV: formulas in names must come back as text in
every CSV the platform writes; BOM, CRLF, NUL and huge files are read or refused cleanly."""

from __future__ import annotations

import csv
import gc
import io

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.courses.models import CourseTrainer
from lms.csvexport import safe_cell
from lms.enrolment.models import Enrolment
from lms.roles import Role
from tests import factories
from tests.enrolment.test_cohort import HEADER, counts, upload

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1"]


def _admin(db, login):
    course = factories.make_course("open")
    admin = factories.make_user(role=Role.ADMIN)
    db.session.add(CourseTrainer(course_id=course.id, user_id=admin.id))
    db.session.commit()
    login(admin)
    return admin


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_formulas_in_names_and_institutions_come_back_as_text_in_the_cohort_export(client, db, login):
    _admin(db, login)
    body = HEADER + "".join(
        f'p{n}@example.org,"{formula.replace(chr(34), chr(34) * 2)} Name",woman,KE,"{formula.replace(chr(34), chr(34) * 2)}",faculty\n'
        for n, formula in enumerate(FORMULAS[:4])
    )
    assert upload(client, body).status_code == 302
    assert counts(db)[1] == 4
    response = client.get("/teaching/open/cohort.csv")
    assert response.status_code == 200
    rows = _cells(response.get_data(as_text=True))
    names = [row[0] for row in rows[1:]]
    assert len(names) == 4
    for name in names:
        assert name.startswith("'"), name


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_formula_start_is_neutralised(formula):
    assert safe_cell(formula).startswith("'")


def test_the_template_starts_with_a_bom_and_has_no_formula(client, db, login):
    _admin(db, login)
    response = client.get("/admin/cohort-template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    for row in _cells(text):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@"))


def test_a_bom_and_crlf_file_is_read(client, db, login):
    _admin(db, login)
    body = "\ufeff" + HEADER.replace("\n", "\r\n") + "crlf@example.org,Crlf Person,woman,KE,,faculty\r\n"
    assert upload(client, body).status_code == 302
    user = db.session.execute(select(User).where(User.email == "crlf@example.org")).scalar_one()
    assert user.full_name == "Crlf Person"


@pytest.mark.parametrize(
    "row",
    [
        "nul@example.org,Nul\x00Name,woman,KE,,faculty\n",
        "nul@example.org,Nul Name,woman,KE,Uni\x00versity,faculty\n",
        "nul\x00@example.org,Nul Name,woman,KE,,faculty\n",
    ],
)
def test_a_nul_byte_is_a_problem_and_writes_nothing(client, db, login, row):
    _admin(db, login)
    before = counts(db)
    response = upload(client, HEADER + row)
    assert response.status_code == 400
    assert "Line 2: contains a NUL character, which no database can store" in response.get_data(as_text=True)
    assert counts(db) == before


# Werkzeug's test client spools a body over 500 KB to a temporary file that it never closes (a
# test-side leak, not the application's): collected here, its warning is ignored here.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_ten_megabyte_file_is_refused_and_writes_nothing(client, db, login):
    _admin(db, login)
    before = counts(db)
    row = "big{n}@example.org,Big Person,woman,KE,University,faculty\n"
    body = HEADER + "".join(row.format(n=n) for n in range(200_000))
    assert len(body) > 10_000_000
    response = upload(client, body)
    assert response.status_code in (400, 413)
    assert counts(db) == before
    assert db.session.execute(select(func.count()).select_from(Enrolment)).scalar_one() == 0
    assert "at most 5000 rows" in response.get_data(as_text=True)
    del response
    gc.collect()
