"""Each kind of question has its own form: the type is chosen first, then only its fields show."""

from __future__ import annotations

from sqlalchemy import select

from lms.authoring.models import DraftCourse, DraftModule

NEW = "/authoring/phones/modules/module-1/quiz/questions/new"


def _module(db):
    db.session.expire_all()
    return db.session.execute(select(DraftModule).where(DraftModule.slug == "module-1")).scalar_one()


def test_a_new_question_starts_with_the_choice_of_type_only(editor, draft):
    page = editor.get(NEW).get_data(as_text=True)
    assert 'name="kind" id="kind-true-false"' in page
    assert "options-0-text" not in page and 'name="prompt"' not in page


def test_true_false_shows_two_choices_not_six_boxes(editor, draft):
    page = editor.get(NEW + "?kind=true-false").get_data(as_text=True)
    assert page.count('name="correct"') == 2
    assert ">True</label>" in page and ">False</label>" in page
    assert "options-0-text" not in page and "options-5-text" not in page


def test_a_true_false_question_is_saved_with_its_correct_answer(db, editor, draft):
    response = editor.submit(NEW, {"kind": "true-false", "prompt": "Phones work offline?", "correct": "1",
                                   "feedback_1": "Many apps need a connection."})  # fmt: skip
    assert response.status_code == 302
    question = _module(db).quiz["questions"][1]
    assert question["kind"] == "true-false"
    assert [(o["slug"], o["text"], o["correct"]) for o in question["options"]] == [
        ("true", "True", False),
        ("false", "False", True),
    ]
    assert question["options"][1]["feedback"] == "Many apps need a connection."
    page = editor.get("/authoring/phones/modules/module-1/quiz/questions/q2").get_data(as_text=True)
    assert '<input checked id="correct-1" name="correct" required type="radio" value="1">' in page


def test_true_false_answers_are_in_the_course_language(db, editor, draft):
    db.session.get(DraftCourse, draft.course_id).language = "fr"
    db.session.commit()
    page = editor.get(NEW + "?kind=true-false").get_data(as_text=True)
    assert ">Vrai</label>" in page and ">Faux</label>" in page
    editor.submit(NEW, {"kind": "true-false", "prompt": "Hors ligne ?", "correct": "0"})
    assert [o["text"] for o in _module(db).quiz["questions"][1]["options"]] == ["Vrai", "Faux"]


def test_true_false_without_a_choice_or_with_a_forged_one_is_refused(db, editor, draft):
    for data in ({"correct": ""}, {"correct": "2"}, {"correct": "0\x00"}):
        response = editor.submit(NEW, {"kind": "true-false", "prompt": "Offline?", **data})
        assert response.status_code == 400, data
    assert len(_module(db).quiz["questions"]) == 1


def test_one_correct_answer_is_a_radio_and_several_are_checkboxes(editor, draft):
    single = editor.get(NEW + "?kind=single").get_data(as_text=True)
    assert single.count('name="correct" type="radio"') == 6 and "options-0-correct" not in single
    several = editor.get(NEW + "?kind=multiple").get_data(as_text=True)
    assert "options-0-correct" in several and 'name="correct"' not in several


def test_an_unknown_type_shows_the_choice_again(db, editor, draft):
    assert editor.get(NEW + "?kind=essay").status_code == 400
    response = editor.submit(NEW, {"kind": "essay\x00", "prompt": "x"})
    assert response.status_code == 400
    assert len(_module(db).quiz["questions"]) == 1


def test_changing_a_question_to_true_false_keeps_its_prompt(db, editor, draft):
    page = editor.get("/authoring/phones/modules/module-1/quiz/questions/q1?kind=true-false").get_data(
        as_text=True
    )
    assert "Question of module 1?" in page and ">True</label>" in page
    editor.submit("/authoring/phones/modules/module-1/quiz/questions/q1",
                  {"kind": "true-false", "prompt": "Question of module 1?", "correct": "0"})  # fmt: skip
    question = _module(db).quiz["questions"][0]
    assert question["kind"] == "true-false"
    assert [o["slug"] for o in question["options"]] == ["a", "b"]  # the answers' slugs are kept
