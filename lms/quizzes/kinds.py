"""Question kinds are a registry: each knows how a browser answers it and how to score it.
A new kind is one class and one entry in KINDS, never a new branch in the views."""

from __future__ import annotations

from dataclasses import dataclass

from lms.quizzes.models import Question, QuestionKind


class AnswerError(ValueError):
    """The submitted answer does not fit the question."""


@dataclass(frozen=True)
class ChooseOne:
    input_type: str = "radio"
    # How the course editor asks for the answers: "one" (answers, one of them marked correct),
    # "several" (answers, any of them correct) or "true-false" (two fixed answers).
    editor: str = "one"

    def read(self, question: Question, values: list[str]) -> frozenset[str]:
        if len(values) != 1:
            raise AnswerError("choose exactly one option")
        return frozenset(values)

    def is_correct(self, question: Question, chosen: frozenset[str]) -> bool:
        return chosen == correct_options(question)


@dataclass(frozen=True)
class ChooseSeveral:
    input_type: str = "checkbox"
    editor: str = "several"

    def read(self, question: Question, values: list[str]) -> frozenset[str]:
        if not values:
            raise AnswerError("choose at least one option")
        return frozenset(values)

    def is_correct(self, question: Question, chosen: frozenset[str]) -> bool:
        """All or nothing: the chosen set must equal the correct set."""
        return chosen == correct_options(question)


KINDS = {
    QuestionKind.SINGLE: ChooseOne(),
    QuestionKind.TRUE_FALSE: ChooseOne(editor="true-false"),
    QuestionKind.MULTIPLE: ChooseSeveral(),
}


def correct_options(question: Question) -> frozenset[str]:
    return frozenset(option.slug for option in question.options if option.correct)
