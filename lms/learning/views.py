"""Lessons, marking them complete, resuming, and the learner's dashboard."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.courses.models import Course
from lms.courses.outline import Outline, OutlineLesson, OutlineModule, outline_of
from lms.courses.queries import lesson_html
from lms.enrolment.access import can_study, course_for_study, offer_enrolment, visible_course
from lms.enrolment.forms import EnrolForm
from lms.enrolment.models import Enrolment, EnrolmentStatus
from lms.enrolment.services import record_activity
from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import language_attributes
from lms.learning import bp, calendar, deadlines, services
from lms.learning.progress import course_progress, enrolment_and_done, progress_by_course
from lms.policy import login_required, public


def _lesson_in(outline: Outline, lesson_slug: str) -> OutlineLesson:
    lesson = outline.lesson(lesson_slug)
    if lesson is None:
        abort(404)
    return lesson


# In a course of more lessons than this, a collapsed module of the lesson page's outline links
# to its first lesson instead of listing all of them: the page stays small (issue 14: 40 KB for
# 500 lessons) and takes as long as a small course's.
LISTED_LESSONS = 150


def collapsed_module(outline: Outline, module: OutlineModule, percent: int, language: str) -> Markup:
    """A module of the lesson page's outline other than the open one: a <details> whose summary
    is its title and the learner's percentage and whose body lists its lessons (and quiz) as
    links relative to the lesson page. All but the percentage is the same for every learner and
    language, so it is made once per course version, in two halves. Course text carries the
    course's language and direction (`language`), whatever the interface's."""
    key = ("collapsed", module.id, language)
    halves = outline.memo.get(key)
    if halves is None:
        lessons = module.lessons
        attributes = language_attributes(language)
        if len(outline.lessons) > LISTED_LESSONS:
            lessons = lessons[:1]
        items = [
            Markup('<li><a href="{}"{}>{}</a></li>').format(lesson.slug, attributes, lesson.title)
            for lesson in lessons
        ]
        if len(lessons) < len(module.lessons):
            items.append(Markup("<li>…</li>"))
        if module.quiz is not None:
            items.append(
                Markup('<li><a href="../quizzes/{}"{}>{}</a></li>').format(
                    module.slug, attributes, module.quiz.title
                )
            )
        halves = outline.memo[key] = (
            Markup(
                '<li><details><summary><span class="outline-module"{}>{}</span> <span class="muted">'
            ).format(attributes, module.title),
            Markup("%</span></summary><ol>{}</ol></details></li>").format(Markup("").join(items)),
        )
    return halves[0] + str(int(percent)) + halves[1]  # Markup + str escapes the str


def collapsed_modules(outline: Outline, progress, modules, language: str) -> Markup:
    return Markup("\n").join(
        collapsed_module(outline, module, progress.modules[module.id].percent, language) for module in modules
    )


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    course = visible_course(slug)
    found = enrolment_and_done(current_user.id, course.id)
    enrolment, done = found if found is not None else (None, None)
    outline = outline_of(course)
    lesson = _lesson_in(outline, lesson_slug)
    if not can_study(current_user, course, enrolment):
        return offer_enrolment(course)
    progress = course_progress(course, current_user.id, outline, done)
    module = outline.module_of(lesson)
    place = next(n for n, item in enumerate(outline.modules) if item.id == module.id)
    following = outline.next(lesson)
    page = render_template(
        "learning/lesson.html",
        course=course,
        outline=outline,
        module=module,
        lesson=lesson,
        body=lesson_html(lesson.id, course.updated_at),
        progress=progress,
        previous=outline.previous(lesson),
        next=following,
        module_quiz=module.quiz if following is None or following.module_id != lesson.module_id else None,
        form=ActionForm(),
        done=lesson.id in progress.completed_lessons,
        modules_before=collapsed_modules(outline, progress, outline.modules[:place], course.language),
        modules_after=collapsed_modules(outline, progress, outline.modules[place + 1 :], course.language),
    )
    if enrolment is not None and enrolment.active:
        record_activity(enrolment, lesson.id)
    return page


@bp.post("/courses/<slug>/lessons/<lesson_slug>/complete")
@login_required
def complete(slug: str, lesson_slug: str):
    course, enrolment, allowed = course_for_study(slug)
    outline = outline_of(course)
    lesson = _lesson_in(outline, lesson_slug)
    if not allowed:
        return offer_enrolment(course)
    if not ActionForm().validate_on_submit():
        abort(400)
    done = services.mark_lesson_complete(current_user.id, lesson, enrolment, course)
    if done.completed_course:
        flash(_("Congratulations! You have completed this course."), "success")
        return redirect(url_for("courses.course", slug=slug))
    progress = done.progress
    module = outline.module_of(lesson)
    last_of_module = module.lessons[-1].id == lesson.id
    if last_of_module and module.quiz is not None and module.quiz.id not in progress.passed_quizzes:
        return redirect(url_for("quizzes.quiz", slug=slug, module_slug=module.slug))
    upcoming = progress.next_lesson(after=lesson)
    if upcoming is not None:
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=upcoming.slug))
    quiz = progress.next_quiz()
    if quiz is not None:
        return redirect(url_for("quizzes.quiz", slug=slug, module_slug=quiz.module_slug))
    return redirect(url_for("courses.course", slug=slug))


@bp.get("/courses/<slug>/continue")
@login_required
def resume(slug: str):
    """Continue where you left off: the last lesson opened, else the first one not done."""
    course, enrolment, allowed = course_for_study(slug)
    if not allowed:
        return offer_enrolment(course)
    outline = outline_of(course)
    lessons = outline.lessons
    if enrolment is not None and enrolment.last_lesson_id is not None:
        target = next((lesson for lesson in lessons if lesson.id == enrolment.last_lesson_id), None)
    else:
        target = course_progress(course, current_user.id, outline).next_lesson() or (
            lessons[0] if lessons else None
        )
    if target is None:
        return redirect(url_for("courses.course", slug=slug))
    return redirect(url_for("learning.lesson", slug=slug, lesson_slug=target.slug))


@bp.get("/learning")
@login_required
def dashboard():
    enrolments = list(
        db.session.execute(
            select(Enrolment)
            .join(Course, Course.id == Enrolment.course_id)
            .where(
                Enrolment.user_id == current_user.id,
                Enrolment.status == EnrolmentStatus.ACTIVE,
                Course.published.is_(True),  # a withdrawn course waits, out of sight, until it returns
            )
            .options(joinedload(Enrolment.course))
            .order_by(Enrolment.last_activity_at.desc().nulls_last(), Enrolment.enrolled_at.desc())
        ).scalars()
    )
    tallies = progress_by_course(current_user.id, [e.course for e in enrolments])
    due = deadlines.by_course(current_user.id, [e.course_id for e in enrolments])
    return render_template("learning/dashboard.html", enrolments=enrolments, tallies=tallies, due=due)


@bp.get("/account/calendar")
@login_required
def calendar_page():
    feed = calendar.feed_of(current_user)
    url = calendar.feed_url(feed) if feed is not None else None
    return render_template("learning/calendar.html", url=url, form=ActionForm())


@bp.post("/account/calendar")
@login_required
def reset_calendar():
    """Make a first calendar address, or replace it: the old one then answers 404."""
    if not ActionForm().validate_on_submit():
        abort(400)
    had_one = calendar.feed_of(current_user) is not None
    calendar.reset_feed(current_user)
    flash(_("Your calendar has a new address: the old one no longer works.") if had_one
          else _("Your calendar address is ready."), "success")  # fmt: skip
    return redirect(url_for("learning.calendar_page"))


@bp.get("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """No sign-in: the token is the key (calendar apps cannot sign in). Anything else is 404."""
    user = calendar.owner_of(token)
    if user is None:
        abort(404)
    body = calendar.calendar_of(user, _("Due dates"))
    return Response(
        body, mimetype="text/calendar",
        headers={"Cache-Control": "no-store", "Content-Disposition": 'inline; filename="due-dates.ics"',
                 "Referrer-Policy": "no-referrer"},
    )  # fmt: skip


def course_page_context(course: Course) -> dict:
    """The visitor's part of the course page (`lms.courses.views`): their enrolment, their
    progress when enrolled, and the enrol form."""
    found = enrolment_and_done(current_user.id, course.id) if current_user.is_authenticated else None
    enrolment, progress = None, None
    if found is not None:
        enrolment, done = found
        progress = course_progress(course, current_user.id, done=done)
    return {"enrolment": enrolment, "progress": progress, "enrol_form": EnrolForm()}
