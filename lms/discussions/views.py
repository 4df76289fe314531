"""Discussion pages: thin views over lms.discussions.services and queries."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from lms import unit_of_work
from lms.courses.outline import outline_of
from lms.database import paginate
from lms.discussions import bp, queries, services
from lms.discussions.access import Participation, moderating, taking_part
from lms.discussions.forms import ReasonForm, ReplyForm, SwitchForm, ThreadForm
from lms.discussions.models import Post, Thread
from lms.errors import DomainError
from lms.extensions import db
from lms.forms import ActionForm
from lms.policy import login_required
from lms.web import form_error, refusals_on, refused

SEARCH_MAX_CHARS = 100


def _topics(course) -> list[tuple[str, str, int | None]]:
    """(parameter, title, module id) of each topic: the general one, then each module's."""
    return [(queries.GENERAL, _("General"), None)] + [
        (module.slug, module.title, module.id) for module in outline_of(course).modules
    ]


def _thread_or_404(part: Participation, thread_id: int) -> Thread:
    thread = queries.thread_in_course(thread_id, part.course.id, current_user.id, part.moderator)
    if thread is None:
        abort(404)
    return thread


def _post_or_404(part: Participation, post_id: int) -> Post:
    post = queries.post_in_course(post_id, part.course.id, current_user.id, part.moderator)
    if post is None:
        abort(404)
    return post


def _post_url(part: Participation, post: Post) -> str:
    """The thread page that shows `post`, scrolled to it."""
    before = db.session.execute(
        queries.posts(post.thread, current_user.id, part.moderator)
        .where(Post.id <= post.id)
        .with_only_columns(func.count())
        .order_by(None)
    ).scalar_one()
    page = max(1, -(-before // current_app.config["DISCUSSION_POSTS_PER_PAGE"]))
    return (
        url_for(
            "discussions.thread",
            slug=part.course.slug,
            thread_id=post.thread_id,
            page=page if page > 1 else None,
        )
        + f"#post-{post.id}"
    )


@bp.get("/courses/<slug>/discussions")
@login_required
def index(slug: str):
    part = taking_part(slug)
    course = part.course
    topics = _topics(course)
    topic = request.args.get("topic", "")
    chosen = next((t for t in topics if t[0] == topic), None)
    text = request.args.get("q", "")[:SEARCH_MAX_CHARS]
    module_id = chosen[2] if chosen else ""
    page = paginate(
        queries.threads(course.id, current_user.id, part.moderator, module_id=module_id, text=text),
        per_page=current_app.config["DISCUSSION_THREADS_PER_PAGE"],
    )
    return render_template(
        "discussions/index.html",
        course=course,
        part=part,
        topics=topics,
        topic=chosen[0] if chosen else "",
        topic_title=chosen[1] if chosen else None,
        counts=queries.topic_counts(course.id, current_user.id, part.moderator),
        replies=queries.reply_counts([t.id for t in page.items], current_user.id, part.moderator),
        text=text,
        page=page,
        module_titles={t[2]: t[1] for t in topics},
    )


@bp.route("/courses/<slug>/discussions/new", methods=["GET", "POST"])
@login_required
def new_thread(slug: str):
    part = taking_part(slug)
    course = part.course
    topics = _topics(course)
    form = ThreadForm()
    form.topic.choices = [(t[0], t[1]) for t in topics]
    if request.method == "GET" and request.args.get("topic") in {t[0] for t in topics}:
        form.topic.data = request.args["topic"]
    status = 200
    if form.validate_on_submit():
        module_id = next(t[2] for t in topics if t[0] == form.topic.data)
        try:
            thread = services.start_thread(
                course,
                current_user,
                module_id=module_id,
                title=form.title.data,
                body=form.body.data,
                moderator=part.moderator,
            )
        except DomainError as error:
            status = _show_refusal(form, error)
        else:
            if thread.held:
                flash(_("Thank you. Your thread will appear once a trainer has reviewed it."), "success")
            return redirect(url_for("discussions.thread", slug=slug, thread_id=thread.id))
    elif form.errors:
        status = 400
    return render_template("discussions/new_thread.html", course=course, form=form), status


def _show_refusal(form, error: DomainError) -> int:
    """Undo the request's changes, put the refusal on its field; the page's status (429 when
    posting too fast, 409 on a locked thread, else 400)."""
    unit_of_work.discard()
    form_error(form, error)
    return error.status


def _render_thread(part: Participation, thread: Thread, form: ReplyForm, status: int = 200):
    page = paginate(
        queries.posts(thread, current_user.id, part.moderator),
        per_page=current_app.config["DISCUSSION_POSTS_PER_PAGE"],
    )
    reports = queries.open_report_counts([post.id for post in page.items]) if part.moderator else {}
    topic = next((t for t in _topics(part.course) if t[2] == thread.module_id), None)
    return render_template(
        "discussions/thread.html",
        course=part.course,
        part=part,
        thread=thread,
        topic=topic,
        page=page,
        form=form,
        reports=reports,
        action_form=ActionForm(),
        switch_form=SwitchForm(),
        may_mark=part.moderator or thread.author_id == current_user.id,
    ), status


@bp.get("/courses/<slug>/discussions/<int:thread_id>")
@login_required
def thread(slug: str, thread_id: int):
    part = taking_part(slug)
    return _render_thread(part, _thread_or_404(part, thread_id), ReplyForm())


@bp.post("/courses/<slug>/discussions/<int:thread_id>/replies")
@login_required
def reply(slug: str, thread_id: int):
    part = taking_part(slug)
    thread = _thread_or_404(part, thread_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_thread(part, thread, form, 400)
    try:
        post = services.reply(thread, current_user, form.body.data, moderator=part.moderator)
    except DomainError as error:
        status = _show_refusal(form, error)
        return _render_thread(part, _thread_or_404(part, thread_id), form, status)
    if post.held:
        flash(_("Thank you. Your reply will appear once a trainer has reviewed it."), "success")
    return redirect(_post_url(part, post))


@bp.get("/courses/<slug>/discussions/posts/<int:post_id>")
@login_required
def post(slug: str, post_id: int):
    """One post in full (the thread page shows an excerpt of long ones)."""
    part = taking_part(slug)
    found = _post_or_404(part, post_id)
    return render_template(
        "discussions/post.html", course=part.course, part=part, post=found, thread=found.thread,
        back=_post_url(part, found),
    )  # fmt: skip


def _switch(slug: str, thread_id: int, apply) -> object:
    part = moderating(slug)
    thread = _thread_or_404(part, thread_id)
    form = SwitchForm()
    if not form.validate_on_submit() or form.value.data not in {"0", "1"}:
        abort(400)
    apply(thread, form.value.data == "1")
    return redirect(url_for("discussions.thread", slug=slug, thread_id=thread.id))


@bp.post("/courses/<slug>/discussions/<int:thread_id>/pin")
@login_required
def pin(slug: str, thread_id: int):
    return _switch(slug, thread_id, services.set_pinned)


@bp.post("/courses/<slug>/discussions/<int:thread_id>/lock")
@login_required
def lock(slug: str, thread_id: int):
    return _switch(slug, thread_id, services.set_locked)


@bp.post("/courses/<slug>/discussions/posts/<int:post_id>/answer")
@login_required
def answer(slug: str, post_id: int):
    part = taking_part(slug)
    found = _post_or_404(part, post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.mark_answer(found, current_user, moderator=part.moderator)
    except services.NotAllowed:
        raise
    except DomainError as error:
        return refused(error, _post_url(part, found))
    return redirect(_post_url(part, found))


@bp.route("/courses/<slug>/discussions/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report(slug: str, post_id: int):
    part = taking_part(slug)
    found = _post_or_404(part, post_id)
    if not found.published:  # the page quotes the post: never one hidden or held
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.report(found, current_user, form.reason.data)
            flash(_("Thank you. The course's trainers will look at this post."), "success")
            return redirect(_post_url(part, found))
    return render_template(
        "discussions/report.html", course=part.course, post=found, form=form, back=_post_url(part, found)
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/courses/<slug>/discussions/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide(slug: str, post_id: int):
    part = moderating(slug)
    found = _post_or_404(part, post_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.hide(found, current_user, form.reason.data)
            flash(_("The post is hidden."), "success")
            return redirect(_post_url(part, found))
    return render_template(
        "discussions/hide.html", course=part.course, post=found, form=form, back=_post_url(part, found)
    ), 400 if form.errors or form.form_errors else 200


def _moderate(slug: str, post_id: int, apply, message: str):
    part = moderating(slug)
    found = _post_or_404(part, post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        apply(found, current_user)
    except DomainError as error:
        return refused(error, _post_url(part, found))
    flash(message, "success")
    if request.form.get("back") == "moderation":
        return redirect(url_for("discussions.moderation", slug=slug))
    return redirect(_post_url(part, found))


@bp.post("/courses/<slug>/discussions/posts/<int:post_id>/restore")
@login_required
def restore(slug: str, post_id: int):
    return _moderate(slug, post_id, services.restore, _("The post is shown again."))


@bp.post("/courses/<slug>/discussions/posts/<int:post_id>/approve")
@login_required
def approve(slug: str, post_id: int):
    return _moderate(slug, post_id, services.approve, _("The post is published."))


@bp.get("/courses/<slug>/discussions/moderation")
@login_required
def moderation(slug: str):
    part = moderating(slug)
    page = paginate(
        queries.open_reports(part.course.id), per_page=current_app.config["DISCUSSION_THREADS_PER_PAGE"]
    )
    return render_template(
        "discussions/moderation.html",
        course=part.course,
        page=page,
        held=queries.held_posts(part.course.id),
        action_form=ActionForm(),
    )


@bp.post("/courses/<slug>/discussions/reports/<int:report_id>/dismiss")
@login_required
def dismiss(slug: str, report_id: int):
    part = moderating(slug)
    found = queries.report_in_course(report_id, part.course.id)
    if found is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.dismiss_report(found, current_user)
    flash(_("The report is closed; the post stays as it was."), "success")
    return redirect(url_for("discussions.moderation", slug=slug))


def course_page_link(course) -> dict:
    """For the course page (`lms.courses.add_course_page_context`): the discussions' address
    when the visitor may take part, else None."""
    from lms.enrolment.access import can_study
    from lms.enrolment.services import enrolment_for

    if not current_user.is_authenticated:
        return {"discussions_url": None}
    may = can_study(current_user, course, enrolment_for(current_user.id, course.id))
    return {"discussions_url": url_for("discussions.index", slug=course.slug) if may else None}
