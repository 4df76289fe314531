"""Quizzes are scored on the server; attempts are limited and recorded exactly once."""

import threading

import pytest
from sqlalchemy import func, select

from lms.quizzes.models import QuizAttempt
from tests import factories

QUIZ = "/courses/ict-basics/quizzes/m1"


def attempts(db) -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.execute(select(QuizAttempt).order_by(QuizAttempt.number)).scalars())


def answer(client, number: int, q1="a", q2="a", **extra):
    data = {"attempt": str(number), "q-q1": q1, "q-q2": q2, **extra}
    return client.submit(QUIZ, {k: v for k, v in data.items() if v is not None})


def test_the_quiz_page_never_reveals_correct_answers(client, login, learner):
    login(learner)
    html = client.get(QUIZ).get_data(as_text=True)
    assert "Right answer" in html and "Wrong answer" in html
    assert "correct" not in html.lower().replace("correct answers are", "")
    assert "Yes, that is right." not in html  # feedback only after submitting


def test_a_perfect_submission_passes_and_shows_feedback(client, login, learner, db):
    login(learner)
    response = answer(client, 1)
    assert response.headers["Location"].endswith(QUIZ + "/attempts/1")
    (attempt,) = attempts(db)
    assert (attempt.score, attempt.passed) == (100.0, True)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passed" in result and "Yes, that is right." in result


def test_fail_then_pass_best_attempt_counts(client, login, learner, db):
    login(learner)
    answer(client, 1, q1="b", q2="b")
    failed = client.get(QUIZ + "/attempts/1").get_data(as_text=True)
    assert "Not passed yet" in failed and "No, think again." in failed
    assert "Correct answer:" not in failed  # not revealed while attempts remain
    answer(client, 2)
    answer_page = client.get(QUIZ).get_data(as_text=True)
    assert "You have passed this quiz (best score 100%)" in answer_page
    assert [a.score for a in attempts(db)] == [0.0, 100.0]


def test_attempt_limit_is_enforced_and_extra_submissions_consume_nothing(client, login, learner, db):
    login(learner)
    for number in (1, 2, 3):
        answer(client, number, q1="b")
    response = answer(client, 4)
    assert response.status_code == 400
    assert "used all 3 attempts" in response.get_data(as_text=True)
    assert len(attempts(db)) == 3
    assert "Correct answer:" in client.get(QUIZ + "/attempts/3").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"q-q1": "a"}, "Please answer every question (not answered: 2)"),
        ({"q-q1": "a", "q-q2": "zzz"}, "Question 2 has no option zzz"),
        ({"q-q1": "a", "q-q2": "a", "q-q99": "a"}, "unknown questions: q99"),
        ({"q-q1": ["a", "b"], "q-q2": "a"}, "Question 1: choose exactly one option"),
    ],
)
def test_malformed_submissions_get_400_and_consume_no_attempt(client, login, learner, db, fields, message):
    login(learner)
    response = client.submit(QUIZ, {"attempt": "1", **fields})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert attempts(db) == []


def test_missing_attempt_number_is_400(client, login, learner, db):
    login(learner)
    assert client.submit(QUIZ, {"q-q1": "a", "q-q2": "a"}).status_code == 400
    assert attempts(db) == []


def test_resubmitting_the_same_attempt_records_it_once(client, login, learner, db):
    login(learner)
    answer(client, 1, q1="b")
    duplicate = answer(client, 1)  # the same form sent again, even with other answers
    assert duplicate.headers["Location"].endswith("/attempts/1")
    assert [(a.number, a.score) for a in attempts(db)] == [(1, 50.0)]


def test_a_stale_page_cannot_skip_attempt_numbers(client, login, learner, db):
    login(learner)
    response = answer(client, 3)
    assert response.status_code == 400 and "out of date" in response.get_data(as_text=True)


def test_multiple_choice_scores_only_the_exact_set(db):
    from lms.quizzes.kinds import KINDS
    from lms.quizzes.models import Option, Question, QuestionKind

    question = Question(slug="m", kind=QuestionKind.MULTIPLE, prompt="?")
    question.options = [
        Option(slug="a", text="A", correct=True),
        Option(slug="b", text="B", correct=True),
        Option(slug="c", text="C"),
    ]
    kind = KINDS[QuestionKind.MULTIPLE]
    assert kind.is_correct(question, frozenset({"a", "b"}))
    assert not kind.is_correct(question, frozenset({"a"}))
    assert not kind.is_correct(question, frozenset({"a", "b", "c"}))


def test_two_tabs_submitting_at_once_record_one_attempt(app, login, learner, db):
    """Both requests race for attempt 1; the database's unique constraint lets one win."""
    first = login(learner)
    second = app.test_client()
    second.set_cookie("session", first.get_cookie("session").value)
    token = first.csrf_token()
    barrier = threading.Barrier(2)
    statuses = []

    def submit(client, choice):
        barrier.wait()
        response = client.post(
            QUIZ, data={"csrf_token": token, "attempt": "1", "q-q1": choice, "q-q2": choice}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(c, x)) for c, x in ((first, "a"), (second, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    recorded = attempts(db)
    assert len(recorded) == 1 and recorded[0].score in (0.0, 100.0)
    assert db.session.execute(select(func.count()).select_from(QuizAttempt)).scalar_one() == 1


def test_someone_elses_attempt_is_404(client, login, learner, course, db, make_user):
    login(learner)
    answer(client, 1)
    other = make_user()
    factories.enrol(other, course)
    db.session.commit()
    client.submit("/logout")
    login(other)
    assert client.get(QUIZ + "/attempts/1").status_code == 404


def test_passing_the_last_quiz_completes_the_course_and_says_so(client, login, learner, db):
    """Quizzes announce the attempt (`attempt_recorded`); learning's progress completes the course."""
    from lms.enrolment.models import Enrolment

    login(learner)
    for lesson in ("m1-l1", "m1-l2", "m2-l1", "m2-l2"):
        client.submit(f"/courses/ict-basics/lessons/{lesson}/complete")
    answer(client, 1)
    assert db.session.execute(select(Enrolment.completed_at)).scalar_one() is None
    response = client.submit("/courses/ict-basics/quizzes/m2", {"attempt": "1", "q-q1": "a", "q-q2": "a"})
    assert "Congratulations" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(select(Enrolment.completed_at)).scalar_one() is not None
