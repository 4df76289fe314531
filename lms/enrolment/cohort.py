"""Cohort enrolment from a CSV file: validate every row first, then write all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms import audit
from lms.accounts import services as accounts
from lms.accounts.models import Gender, ProfileRole, User
from lms.accounts.tokens import invitation_max_age, make_invitation_token
from lms.courses.models import Course
from lms.enrolment import cohort_values as values_
from lms.enrolment.models import Enrolment, EnrolmentSource
from lms.enrolment.services import EnrolmentError, enrol, first_step, welcome
from lms.extensions import db
from lms.i18n import offered_language, speaking
from lms.links import absolute_url
from lms.mail import send_mail
from lms.unit_of_work import after_commit

COLUMNS = ("email", "full_name", "gender", "country", "institution", "profile_role")
MAX_ROWS = 5000

# The template's example row: uploaded unchanged, it is refused rather than enrolled.
EXAMPLE_ROW = (
    "amina.diallo@example.org",
    "Amina Diallo",
    "woman",
    "SN",
    "Université Cheikh Anta Diop",
    "faculty",
)


@dataclass
class CohortRow:
    line: int
    email: str
    full_name: str
    gender: Gender
    country: str | None
    institution: str
    profile_role: ProfileRole


@dataclass
class CohortResult:
    enrolled: int = 0
    already: int = 0
    new_users: list[User] = field(default_factory=list)


def _records(reader: csv.DictReader, problems: list[str]) -> Iterator[dict]:
    """The reader's records; a line the csv module cannot read ends the file with a problem
    (a value longer than the module's field limit, a quote never closed, text after a closing
    quote), since nothing after it can be trusted to be the row it looks like."""
    while True:
        line = reader.line_num + 1  # where the next record starts
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field limit" in str(error):
                limit = format_number(csv.field_size_limit())
                problems.append(
                    _("Line %(line)s: a value is longer than %(max)s characters.", line=line, max=limit)
                )
            elif "end of data" in str(error):
                problems.append(
                    _('Line %(line)s: a quote (") opens a value that is never closed.', line=line)
                )
            else:
                problems.append(_("Line %(line)s: this line is not valid CSV (check its quotes).", line=line))
            return
        yield record


def _read(text: str, reading: values_.Reading, problems: list[str], unknown: str):
    """The value a cell means; a problem when it means nothing known, or several things."""
    if reading.value is not None:
        return reading.value
    if reading.candidates:
        problems.append(_("“%(value)s” has several meanings (%(meanings)s); write the one you mean.", value=text,
                          meanings=", ".join(str(candidate) for candidate in reading.candidates)))  # fmt: skip
    else:
        problems.append(unknown)
    return None


def read_cohort_csv(data: bytes) -> tuple[list[CohortRow], list[str]]:
    """Parse and check every row; problems are messages that start with the line number."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")]
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error:
        problems.append(_("Line %(line)s: this line is not valid CSV (check its quotes).", line=1))
        return [], problems
    header = [name.strip().lower() for name in fieldnames or []]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        return [], [_("Line 1: missing columns: %(columns)s.", columns=", ".join(missing))]
    reader.fieldnames = header
    rows, seen = [], {}
    for record in _records(reader, problems):
        line = reader.line_num
        if len(rows) >= MAX_ROWS:
            problems.append(
                _("Line %(line)s: a file can have at most %(max)s rows.", line=line, max=MAX_ROWS)
            )
            break
        short = [key for key in header if record.get(key) is None]
        extra = [value for value in record.get(None) or [] if value.strip()]
        if short or extra:
            problems.append(_(
                "Line %(line)s: the row has %(count)s values but the header has %(columns)s columns.",
                line=line, count=len(header) - len(short) + len(record.get(None) or []), columns=len(header),
            ))  # fmt: skip
            continue
        values = {key: (record.get(key) or "").strip() for key in COLUMNS}
        if not any(values.values()):
            continue
        row_problems = []
        try:
            email = accounts.normalise_email(values["email"])
        except accounts.AccountError as error:
            row_problems.append(str(error))
            email = values["email"]
        try:
            name = accounts.checked_name(values["full_name"])
        except accounts.AccountError as error:
            row_problems.append(str(error))
            name = values["full_name"]
        gender = _read(values["gender"], values_.GENDER.read(values["gender"]), row_problems,
                       _("gender must be woman, man, another or unstated."))  # fmt: skip
        country = _read(values["country"], values_.read_country(values["country"]), row_problems,
                        _("unknown country “%(value)s”.", value=values["country"]))  # fmt: skip
        role = _read(values["profile_role"], values_.ROLE.read(values["profile_role"]), row_problems,
                     _("profile_role must be faculty, leader-administrator, policy-maker or other."))  # fmt: skip
        if email == EXAMPLE_ROW[0]:
            row_problems.append(_("this is the template's example row; replace it with your learners."))
        if email in seen:
            row_problems.append(_("the same email is on line %(line)s.", line=seen[email]))
        seen.setdefault(email, line)
        if row_problems:
            problems.extend(_("Line %(line)s: %(problem)s", line=line, problem=p) for p in row_problems)
            continue
        rows.append(CohortRow(line, email, name, gender, country or None, values["institution"][:200], role))
    if not rows and not problems:
        problems.append(_("The file has no rows under its header."))
    return rows, problems


def send_invitation(user: User, course: Course, enrolled_by: User | None) -> None:
    """Invite a new cohort account: the course, who enrolled them, the first step and a
    set-password link that lasts INVITATION_MAX_AGE days (lms.accounts.tokens), in their language."""
    link = absolute_url("accounts.reset_password", token=make_invitation_token(user))
    step = first_step(course)
    with speaking(user.language):
        lines = [
            _("Hello %(name)s,", name=user.full_name),
            "",
            _(
                "%(by)s has enrolled you in the course “%(course)s” on %(site)s, and an account has "
                "been created for you.",
                by=enrolled_by.full_name if enrolled_by is not None else _("The platform's team"),
                course=course.title,
                site=absolute_url("web.home"),
            ),
        ]
        if step is not None:
            lines.append(_("Your first step: %(lesson)s", lesson=step.title))
        lines += [
            "",
            _("Choose your password here to begin:"),
            link,
            "",
            _("The link works once and expires in %(days)d days.", days=invitation_max_age() // 86400),
        ]
        send_mail(
            user.email, _("You are enrolled in “%(course)s”", course=course.title), "\n".join(lines) + "\n"
        )


def enrol_cohort(
    course: Course, rows: list[CohortRow], enrolled_by: User | None = None
) -> tuple[CohortResult, list[str]]:
    """Create missing accounts (without a password: each gets an invitation with a set-password
    link once the unit of work commits) and enrol everyone; people who already had an account
    are welcomed (lms.notifications). Flushes only; on problems the caller's unit of work must
    roll back (a 400 page does), and then no mail leaves."""
    language = offered_language(getattr(get_locale(), "language", None))
    result, problems = CohortResult(), []
    emails = [row.email for row in rows]
    existing = {
        user.email: user for user in db.session.execute(select(User).where(User.email.in_(emails))).scalars()
    }
    enrolled = {
        enrolment.user_id: enrolment
        for enrolment in db.session.execute(
            select(Enrolment).where(
                Enrolment.course_id == course.id,
                Enrolment.user_id.in_([user.id for user in existing.values()]),
            )
        ).scalars()
    }
    for row in rows:
        user = existing.get(row.email)
        if user is None:
            user = accounts.create_user(
                email=row.email, full_name=row.full_name, password=None, gender=row.gender,
                country=row.country, institution=row.institution, profile_role=row.profile_role,
            )  # fmt: skip
            user.language = language  # the uploader's, until the person chooses theirs
            result.new_users.append(user)
            after_commit(send_invitation, user, course, enrolled_by)
        before = enrolled.get(user.id)
        if before is not None and before.active:
            result.already += 1
            continue
        try:
            enrol(user, course, source=EnrolmentSource.COHORT)
        except EnrolmentError as error:
            problems.append(_("Line %(line)s: %(problem)s", line=row.line, problem=str(error)))
            continue
        result.enrolled += 1
        if before is None:  # a new account's invitation says it all: no second mail
            welcome(user, course, enrolled_by=enrolled_by, email=user not in result.new_users)
    if not problems:
        audit.record(
            audit.Action.COHORT_UPLOADED,
            details={
                "course": course.id,
                "rows": len(rows),
                "enrolled": result.enrolled,
                "new_accounts": len(result.new_users),
                "already": result.already,
            },
        )
    return result, problems
