"""Course text keeps its own language and direction on every page (WCAG 3.1.2, language of
parts): an English course in the Arabic interface, then an Arabic course in the English one.

On every page of the tour, each text node (and each field's value) that holds course text must
sit in an element whose nearest `lang` is the course's and whose nearest `dir` is the course's
(or `auto`); and no interface text may sit inside an element marked with the course's language,
so a screen reader speaks each part with the right voice.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from lms.authoring.models import DraftCourse, DraftLesson, DraftModule, DraftRemoval, LessonRevision
from lms.certificates.models import Certificate
from lms.courses.models import Course, Lesson, Module
from lms.extensions import db
from lms.quizzes.models import Option, Question, Quiz
from tests.browser.tour import visit

pytestmark = [pytest.mark.browser, pytest.mark.shared_world]

# Letters of each interface's script, for text that must be in the interface's language.
SCRIPT = {"ar": r"\p{Script=Arabic}", "en": r"\p{Script=Latin}"}

CHECK = """([texts, courseLang, courseDir, script]) => {
  const letters = new RegExp(script, "u");
  const problems = [];
  const check = (element, text) => {
    if (!text.trim()) return;
    const langOf = element.closest("[lang]"), dirOf = element.closest("[dir], svg [direction]");
    const lang = langOf && langOf.getAttribute("lang");
    const dir = dirOf && (dirOf.getAttribute("dir") || dirOf.getAttribute("direction"));
    const where = element.outerHTML.slice(0, 140);
    if (texts.some((t) => text.includes(t))) {
      if (lang !== courseLang || (dir !== courseDir && dir !== "auto"))
        problems.push(`course text in lang=${lang} dir=${dir}: ${where}`);
    } else if (letters.test(text) && lang === courseLang && !element.closest("pre.diff")) {
      // (a revision's diff is the lesson's source file: its keys belong to the course text)
      problems.push(`interface text marked lang=${lang}: ${where}`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    // A chart's <title> and <desc> are one plain string each: no part can carry a language.
    if (element && !element.closest("script, style, noscript, svg title, svg desc")) check(element, node.data);
  }
  for (const field of document.body.querySelectorAll("input:not([type=hidden]), textarea"))
    check(field, field.value);
  return problems;
}"""


def course_texts() -> list[str]:
    """Every piece of course text in the database: titles, summaries, outcomes, questions,
    options, feedback, of published courses, drafts and certificates."""
    texts = []
    for course in db.session.scalars(select(Course)):
        texts += [course.title, course.summary, *course.outcomes]
    for draft in db.session.scalars(select(DraftCourse)):
        texts += [draft.title, draft.summary, *draft.outcomes]
    for module in db.session.scalars(select(Module)):
        texts += [module.title, module.summary]
    for module in db.session.scalars(select(DraftModule)):
        texts += [module.title, module.summary]
        quiz = module.quiz or {}
        texts.append(quiz.get("title", ""))
        for question in quiz.get("questions", []):
            texts.append(question["prompt"])
            texts += [text for option in question["options"] for text in (option["text"], option["feedback"])]
    texts += (
        db.session.scalars(select(Lesson.title)).all() + db.session.scalars(select(DraftLesson.title)).all()
    )
    texts += db.session.scalars(select(Quiz.title)).all() + db.session.scalars(select(Question.prompt)).all()
    for option in db.session.scalars(select(Option)):
        texts += [option.text, option.feedback]
    texts += db.session.scalars(select(Certificate.course_title)).all()
    return sorted({text for text in texts if text and len(text) >= 4})


def in_arabic() -> None:
    """Make every course, draft and certificate Arabic: each text a distinct Arabic phrase
    (none contained in another), each language `ar`."""
    numbers = itertools.count(1)

    def phrase(word: str) -> str:
        return f"{word} رقم {next(numbers)} هنا"

    for course in db.session.scalars(select(Course)):
        course.language, course.title, course.summary = "ar", phrase("مقرر"), phrase("ملخص")
        course.outcomes = [phrase("هدف") for _ in course.outcomes]
    for draft in db.session.scalars(select(DraftCourse)):
        draft.language, draft.title, draft.summary = "ar", phrase("مسودة"), phrase("ملخص")
        draft.outcomes = [phrase("هدف") for _ in draft.outcomes]
    for module in db.session.scalars(select(Module)):
        module.title, module.summary = phrase("وحدة"), phrase("ملخص") if module.summary else ""
    for module in db.session.scalars(select(DraftModule)):
        module.title, module.summary = phrase("وحدة"), phrase("ملخص") if module.summary else ""
        if module.quiz:
            quiz = dict(module.quiz, title=phrase("اختبار"))
            quiz["questions"] = [
                dict(
                    question,
                    prompt=phrase("سؤال"),
                    options=[
                        dict(o, text=phrase("إجابة"), feedback=phrase("تعليق")) for o in question["options"]
                    ],
                )
                for question in quiz["questions"]
            ]
            module.quiz = quiz
    for lesson in db.session.scalars(select(Lesson)):
        lesson.title, lesson.body_html = phrase("درس"), f"<p>{phrase('نص')}</p>"
    for lesson in db.session.scalars(select(DraftLesson)):
        lesson.title, lesson.body = phrase("درس"), phrase("نص")
    for removal in db.session.scalars(select(DraftRemoval)):  # what a removed item was called
        removal.title = phrase("محذوف")
    for revision in db.session.scalars(select(LessonRevision)):
        revision.title, revision.body = phrase("درس"), phrase("نص")
    for quiz in db.session.scalars(select(Quiz)):
        quiz.title = phrase("اختبار")
    for question in db.session.scalars(select(Question)):
        question.prompt = phrase("سؤال")
    for option in db.session.scalars(select(Option)):
        option.text, option.feedback = phrase("إجابة"), phrase("تعليق")
    for certificate in db.session.scalars(select(Certificate)):
        certificate.language, certificate.course_title = "ar", phrase("مقرر")


def problems_on_every_page(tour, interface: str, course_language: str) -> list[str]:
    with tour.app.app_context():
        texts = course_texts()
    direction = "rtl" if course_language == "ar" else "ltr"
    found = []
    for page_visit in tour.visits:
        page = visit(tour, page_visit, interface)
        for problem in page.evaluate(CHECK, [texts, course_language, direction, SCRIPT[interface]]):
            found.append(f"{page_visit.url} ({page_visit.visitor}): {problem}")
    return found


def test_the_tour_covers_the_pages_of_every_column(tour):
    visitors = {page_visit.visitor for page_visit in tour.visits}
    assert visitors == {"anonymous", "enrolled", "not_enrolled", "trainer", "admin"}
    assert len(tour.visits) > 40


def test_english_course_text_keeps_its_language_in_the_arabic_interface(tour):
    problems = problems_on_every_page(tour, "ar", "en")
    assert not problems, "\n".join(problems)


def test_arabic_course_text_keeps_its_language_in_the_english_interface(tour):
    with tour.app.app_context():
        in_arabic()
        db.session.commit()
    problems = problems_on_every_page(tour, "en", "ar")
    assert not problems, "\n".join(problems)
