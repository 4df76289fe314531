"""Step three of three (read -> validate -> apply): a validated course tree becomes the course
learners see, updated in place.

Matching is by slug at every level, so learners keep their progress on lessons and quiz
attempts whose slugs still exist. Functions here only flush: the caller commits once, so an
import is all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.content.markup import render_markdown
from lms.content.problems import Place, Problem
from lms.content.tree import CourseSpec, LessonSpec, ModuleSpec, QuizSpec, split_due
from lms.courses.models import Course, Lesson, Module
from lms.extensions import db
from lms.media.services import media_url, store_image
from lms.quizzes.models import Option, Question, QuestionKind, Quiz


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"added    {item}" for item in self.added]
            + [f"changed  {item}" for item in self.changed]
            + [f"removed  {item}" for item in self.removed]
        )


def conflicts(specs: list[CourseSpec]) -> list[Problem]:
    """Problems that need the database: a course written in the browser owns its slug."""
    slugs = [spec.slug for spec in specs]
    authored = db.session.execute(
        select(Course.slug).where(Course.slug.in_(slugs), Course.source_path.is_(None))
    ).scalars()
    taken = set(authored)
    return [
        Problem("course.made-in-browser", Place(f"{spec.source_path}/course.toml"), {"slug": spec.slug})
        for spec in specs
        if spec.slug in taken
    ]


def import_courses(specs: list[CourseSpec]) -> ImportReport:
    report = ImportReport()
    for spec in specs:
        apply_course(spec, report)
    return report


def _load_course(slug: str) -> Course | None:
    return db.session.execute(
        select(Course)
        .where(Course.slug == slug)
        .options(
            selectinload(Course.modules).selectinload(Module.lessons),
            selectinload(Course.modules)
            .selectinload(Module.quiz)
            .selectinload(Quiz.questions)
            .selectinload(Question.options),
        )
    ).scalar_one_or_none()


def _assign(obj, report_list: list[str], label: str, **values) -> bool:
    """Set attributes that differ; note `label` as changed once if any did."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed and report_list is not None:
        report_list.append(f"{label} ({', '.join(changed)})")
    return bool(changed)


def apply_course(spec: CourseSpec, report: ImportReport, source_path: str | None = None) -> Course:
    course = _load_course(spec.slug)
    label = f"course {spec.slug}"
    values = dict(
        title=spec.title, summary=spec.summary, audience=spec.audience, language=spec.language,
        hours=spec.hours, version=spec.version, outcomes=spec.outcomes, completion_rule=spec.completion_rule,
        pass_mark=spec.pass_mark, enrolment_key=spec.enrolment_key, enrol_from=spec.enrol_from,
        enrol_until=spec.enrol_until, starts_on=spec.starts_on, ends_on=spec.ends_on, published=spec.published,
        image=store_image(spec.image_data).filename if spec.image and spec.image_data else None,
        image_alt=spec.image_alt if spec.image and spec.image_data else "",
    )  # fmt: skip
    if course is None:
        course = Course(slug=spec.slug, source_path=source_path or spec.source_path, **values)
        db.session.add(course)
        db.session.flush()
        report.added.append(label)
    else:
        _assign(course, report.changed, label, **values)
        course.source_path = source_path if source_path is not None else spec.source_path

    existing_modules = {module.slug: module for module in course.modules}
    existing_lessons = {lesson.slug: lesson for module in course.modules for lesson in module.lessons}
    kept_lessons: set[str] = set()
    for position, module_spec in enumerate(spec.modules, start=1):
        module = existing_modules.pop(module_spec.slug, None)
        module_label = f"module {spec.slug}/{module_spec.slug}"
        due_on, due_at = split_due(module_spec.due)
        if module is None:
            module = Module(course=course, slug=module_spec.slug, position=position, title=module_spec.title,
                            summary=module_spec.summary, due_on=due_on, due_at=due_at)  # fmt: skip
            db.session.add(module)
            report.added.append(module_label)
        else:
            _assign(module, report.changed, module_label, position=position, title=module_spec.title,
                    summary=module_spec.summary, due_on=due_on, due_at=due_at)  # fmt: skip
        db.session.flush()
        for lesson_position, lesson_spec in enumerate(module_spec.lessons, start=1):
            kept_lessons.add(lesson_spec.slug)
            _apply_lesson(
                course, module, lesson_spec, lesson_position, existing_lessons.get(lesson_spec.slug), report
            )
        _apply_quiz(course, module, module_spec, report)
    for slug, lesson in existing_lessons.items():
        if slug not in kept_lessons:
            report.removed.append(f"lesson {spec.slug}/{slug}")
            db.session.delete(lesson)
    for slug, module in existing_modules.items():
        report.removed.append(f"module {spec.slug}/{slug}")
        db.session.delete(module)
    db.session.flush()
    db.session.expire(course)
    return course


def render_lesson(spec: LessonSpec) -> str:
    urls = {path: media_url(store_image(data)) for path, data in spec.images.items()}
    return render_markdown(spec.body, rewrite_image=urls.get)


def _apply_lesson(course: Course, module: Module, spec: LessonSpec, position: int, lesson: Lesson | None,
                  report: ImportReport) -> None:  # fmt: skip
    label = f"lesson {course.slug}/{spec.slug}"
    html = render_lesson(spec)
    if lesson is None:
        lesson = Lesson(course_id=course.id, module=module, slug=spec.slug, position=position, title=spec.title,
                        minutes=spec.minutes, body=spec.body, body_html=html)  # fmt: skip
        db.session.add(lesson)
        report.added.append(label)
        return
    content_changed = lesson.body != spec.body or lesson.body_html != html
    if _assign(lesson, report.changed, label, module=module, position=position, title=spec.title,
               minutes=spec.minutes, body=spec.body, body_html=html) and content_changed:  # fmt: skip
        lesson.revision += 1


def _quiz_signature(title, pass_mark, max_attempts, questions) -> tuple:
    return (title, pass_mark, max_attempts, tuple(
        (q.slug, QuestionKind(q.kind), q.prompt, tuple((o.slug, o.text, o.correct, o.feedback) for o in q.options))
        for q in questions
    ))  # fmt: skip


def _apply_quiz(course: Course, module: Module, spec: ModuleSpec, report: ImportReport) -> None:
    """Update the module's quiz in place, matching questions and options by slug, so that
    attempts (which record answers by slug) stay meaningful."""
    label = f"quiz {course.slug}/{module.slug}"
    quiz_spec: QuizSpec | None = spec.quiz
    quiz = module.quiz
    if quiz_spec is None:
        if quiz is not None:
            report.removed.append(label)
            db.session.delete(quiz)
        return
    wanted = _quiz_signature(
        quiz_spec.title, quiz_spec.pass_mark, quiz_spec.max_attempts, quiz_spec.questions
    )
    if quiz is None:
        quiz = Quiz(course_id=course.id, module=module)
        db.session.add(quiz)
        report.added.append(label)
    elif _quiz_signature(quiz.title, quiz.pass_mark, quiz.max_attempts, quiz.questions) == wanted:
        return
    else:
        report.changed.append(label)
    quiz.title, quiz.pass_mark, quiz.max_attempts = (
        quiz_spec.title,
        quiz_spec.pass_mark,
        quiz_spec.max_attempts,
    )
    questions = {question.slug: question for question in quiz.questions}
    for position, question_spec in enumerate(quiz_spec.questions, start=1):
        question = questions.pop(question_spec.slug, None)
        if question is None:
            question = Question(quiz=quiz, slug=question_spec.slug)
            db.session.add(question)
        question.position, question.kind, question.prompt = position, question_spec.kind, question_spec.prompt
        options = {option.slug: option for option in question.options}
        for option_position, option_spec in enumerate(question_spec.options, start=1):
            option = options.pop(option_spec.slug, None)
            if option is None:
                option = Option(question=question, slug=option_spec.slug)
                db.session.add(option)
            option.position, option.text = option_position, option_spec.text
            option.correct, option.feedback = option_spec.correct, option_spec.feedback
        for option in options.values():
            db.session.delete(option)
    for question in questions.values():
        db.session.delete(question)
