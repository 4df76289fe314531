"""Small factories for test data. Passwords use a cheap hash so tests stay fast."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from lms.accounts.models import Gender, ProfileRole, User
from lms.extensions import db
from lms.roles import Role

DEFAULT_PASSWORD = "a long test passphrase"
# A registration form as a person fills it in, valid in every field.
REGISTRATION = {
    "full_name": "Amina Yusuf",
    "email": "amina@example.edu",
    "password": "tamarind lantern 2026",
    "gender": "woman",
    "country": "NG",
    "institution": "Ahmadu Bello University",
    "profile_role": "faculty",
}
_CHEAP_HASH = generate_password_hash(DEFAULT_PASSWORD, method="pbkdf2:sha256:1000")
_sequence = itertools.count(1)


def make_user(**kwargs) -> User:
    n = next(_sequence)
    password = kwargs.pop("password", None)
    user = User(
        email=kwargs.pop("email", f"person{n}@example.org").lower(),
        full_name=kwargs.pop("full_name", f"Person {n}"),
        role=Role(kwargs.pop("role", Role.LEARNER)),
        gender=Gender(kwargs.pop("gender", Gender.WOMAN)),
        country=kwargs.pop("country", "KE"),
        institution=kwargs.pop("institution", "University of Nairobi"),
        profile_role=ProfileRole(kwargs.pop("profile_role", ProfileRole.FACULTY)),
        password_hash=_CHEAP_HASH,
        **kwargs,
    )
    if password is not None:
        user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
    db.session.add(user)
    db.session.flush()
    return user


def course_spec(
    slug: str = "test-course",
    *,
    modules: int = 2,
    lessons: int = 2,
    quiz: bool = True,
    questions: int = 2,
    rule: str = "lessons-and-quizzes",
    max_attempts: int = 3,
    dues: list | None = None,
    **course_fields,
):
    """A CourseSpec as the file parser would produce it, with predictable slugs:
    modules m1.., lessons m1-l1.., questions q1.. (option `a` is correct, `b` is not).
    `dues`: each module's due date in turn (a date, an aware datetime or None)."""
    from lms.content.tree import CourseSpec, LessonSpec, ModuleSpec, OptionSpec, QuestionSpec, QuizSpec
    from lms.courses.models import Audience, CompletionRule
    from lms.quizzes.models import QuestionKind

    def make_quiz(module_number: int):
        return QuizSpec(
            title=f"Quiz {module_number}",
            pass_mark=None,
            max_attempts=max_attempts,
            questions=[
                QuestionSpec(
                    slug=f"q{n}",
                    kind=QuestionKind.SINGLE,
                    prompt=f"Question {n} of module {module_number}?",
                    options=[
                        OptionSpec("a", "Right answer", True, "Yes, that is right."),
                        OptionSpec("b", "Wrong answer", False, "No, think again."),
                    ],
                )
                for n in range(1, questions + 1)
            ],
        )

    values = dict(
        slug=slug,
        title=f"Course {slug}",
        summary="A course for tests.",
        audience=Audience.FACULTY,
        language="en",
        hours=2.0,
        version="1.0",
        outcomes=["Learn something."],
        completion_rule=CompletionRule(rule),
        pass_mark=50,
        enrolment_key=None,
        enrol_from=None,
        enrol_until=None,
        published=True,
        modules=[
            ModuleSpec(
                slug=f"m{m}",
                title=f"Module {m}",
                summary="",
                lessons=[
                    LessonSpec(
                        slug=f"m{m}-l{n}",
                        title=f"Lesson {m}.{n}",
                        minutes=10,
                        body=f"## Part {m}.{n}\n\nText {m}.{n}.\n",
                    )
                    for n in range(1, lessons + 1)
                ],
                quiz=make_quiz(m) if quiz else None,
            )
            for m in range(1, modules + 1)
        ],
        source_path=f"/tmp/courses/{slug}",
    )
    values.update(course_fields)
    spec = CourseSpec(**values)
    for module, due in zip(spec.modules, dues or [], strict=False):
        module.due = due
    return spec


def make_course(slug: str = "test-course", **kwargs):
    """Import a generated course through the real importer and return it."""
    from lms.content.importer import ImportReport, apply_course
    from lms.courses.queries import course_by_slug

    apply_course(course_spec(slug, **kwargs), ImportReport())
    db.session.flush()
    return course_by_slug(slug, with_structure=True)


def enrol(user, course):
    from lms.enrolment.services import enrol as enrol_user

    return enrol_user(user, course)
