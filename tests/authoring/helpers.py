"""Test data for the course editor, built through the real services (shared with other test folders)."""

from __future__ import annotations

import io

from lms.courses.models import Audience, CompletionRule
from lms.extensions import db as _db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)

COURSE_VALUES = dict(
    title="Teaching with phones",
    summary="Short course.",
    audience=Audience.FACULTY,
    language="en",
    hours=1.5,
    outcomes=["Plan a lesson that works on a phone."],
    completion_rule=CompletionRule.LESSONS_AND_QUIZZES,
    pass_mark=50,
)


def build_draft(owner, slug: str = "phones", *, modules: int = 2, lessons: int = 2, quiz: bool = True):
    """A complete, publishable draft: modules M1.., lessons with text, a one-question quiz each."""
    from lms.authoring import services

    draft = services.create_course(owner, slug, **COURSE_VALUES)
    for m in range(1, modules + 1):
        module = services.add_module(draft, f"Module {m}")
        for n in range(1, lessons + 1):
            lesson = services.add_lesson(module, f"Lesson {m}.{n}", owner)
            services.save_lesson(lesson, seen_revision=1, title=lesson.title, minutes=5,
                                 body=f"## Part {m}.{n}\n\nText {m}.{n}.\n", author=owner)  # fmt: skip
        if quiz:
            services.set_quiz(module, f"Quiz {m}", None, 3)
            services.save_question(
                module, None, "single", f"Question of module {m}?",
                [{"text": "Right", "correct": True, "feedback": "Yes."}, {"text": "Wrong", "correct": False}],
            )  # fmt: skip
    _db.session.flush()
    return draft


def png_upload(data: bytes = PNG, name: str = "map.png"):
    return (io.BytesIO(data), name)
