"""`flask courses import`: all or nothing, in place, and honest about what it changed."""

from pathlib import Path

from sqlalchemy import func, select

from lms.courses.models import Course, Lesson
from lms.learning.models import LessonCompletion
from lms.media.models import MediaFile
from lms.quizzes.models import QuizAttempt
from tests import factories
from tests.content.trees import QUIZ_TOML, lesson, write_course


def count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def import_tree(runner, path: Path):
    return runner.invoke(args=["courses", "import", str(path)])


def test_import_creates_the_course_and_reports_it(runner, db, tmp_path):
    write_course(tmp_path)
    result = import_tree(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert "added    course ict-basics" in result.output
    assert "Imported 1 course(s): 5 added, 0 changed, 0 removed." in result.output
    course = db.session.execute(select(Course)).scalar_one()
    assert course.source_path.endswith("ict-basics")
    assert count(db, Lesson) == 2 and count(db, MediaFile) == 1


def test_images_are_served_from_the_media_store(runner, client, db, tmp_path):
    write_course(tmp_path)
    import_tree(runner, tmp_path)
    html = db.session.execute(select(Lesson.body_html).where(Lesson.slug == "tools")).scalar_one()
    media = db.session.execute(select(MediaFile)).scalar_one()
    assert f'src="/media/{media.sha256}.png"' in html
    response = client.get(f"/media/{media.sha256}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == media_bytes(tmp_path)
    response.close()


def media_bytes(tmp_path: Path) -> bytes:
    return (tmp_path / "ict-basics" / "01-start" / "images" / "diagram.png").read_bytes()


def test_reimporting_unchanged_files_changes_nothing(runner, tmp_path):
    write_course(tmp_path)
    import_tree(runner, tmp_path)
    result = import_tree(runner, tmp_path)
    assert "0 added, 0 changed, 0 removed" in result.output


def test_a_bad_tree_imports_nothing_and_exits_1(runner, db, tmp_path):
    write_course(tmp_path, slug="good")
    write_course(tmp_path, slug="bad", files={"01-start/quiz.toml": QUIZ_TOML.replace("correct = true", "")})
    result = import_tree(runner, tmp_path)
    assert result.exit_code == 1
    assert "bad/01-start/quiz.toml:4: question 'q1': no option is marked correct" in result.output
    assert "nothing was imported" in result.output
    assert count(db, Course) == 0


def test_reimport_updates_in_place_and_keeps_progress_on_surviving_lessons(runner, db, tmp_path, make_user):
    write_course(tmp_path)
    import_tree(runner, tmp_path)
    learner = make_user()
    course = db.session.execute(select(Course)).scalar_one()
    for item in db.session.execute(select(Lesson)).scalars():
        db.session.add(LessonCompletion(user_id=learner.id, lesson_id=item.id, course_id=course.id))
    db.session.commit()
    welcome_id = db.session.execute(select(Lesson.id).where(Lesson.slug == "welcome")).scalar_one()

    write_course(
        tmp_path,
        files={
            "01-start/01-welcome.md": lesson("Welcome, revised", body="New text.\n"),
            "01-start/02-tools.md": None,
            "01-start/03-next-steps.md": lesson("Next steps"),
        },
    )
    result = import_tree(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert "changed  lesson ict-basics/welcome" in result.output
    assert "added    lesson ict-basics/next-steps" in result.output
    assert "removed  lesson ict-basics/tools" in result.output

    db.session.expire_all()
    welcome = db.session.get(Lesson, welcome_id)
    assert welcome.title == "Welcome, revised" and welcome.revision == 2
    completions = db.session.execute(select(LessonCompletion.lesson_id)).scalars().all()
    assert completions == [welcome_id]


def test_quiz_attempts_survive_a_reimport_that_keeps_the_question(runner, db, tmp_path, make_user):
    write_course(tmp_path)
    import_tree(runner, tmp_path)
    learner = make_user()
    quiz_course = db.session.execute(select(Course)).scalar_one()
    from lms.quizzes.models import Quiz

    quiz = db.session.execute(select(Quiz)).scalar_one()
    db.session.add(
        QuizAttempt(
            quiz_id=quiz.id,
            user_id=learner.id,
            course_id=quiz_course.id,
            number=1,
            score=100,
            passed=True,
            answers={},
        )
    )
    db.session.commit()
    write_course(
        tmp_path, files={"01-start/quiz.toml": QUIZ_TOML.replace("Pick the right one.", "Pick the best one.")}
    )
    result = import_tree(runner, tmp_path)
    assert "changed  quiz ict-basics/start" in result.output
    assert count(db, QuizAttempt) == 1


def test_a_course_created_in_the_browser_is_not_overwritten_by_files(runner, db, tmp_path):
    course = factories.make_course("ict-basics")
    course.source_path = None
    db.session.commit()
    write_course(tmp_path)
    result = import_tree(runner, tmp_path)
    assert result.exit_code == 1
    assert "belongs to a course created in the browser" in result.output


def test_a_missing_folder_is_a_clear_error(runner, tmp_path):
    result = import_tree(runner, tmp_path / "nope")
    assert result.exit_code == 1 and "is not a folder" in result.output
