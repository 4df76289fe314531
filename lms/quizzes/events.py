"""Events of the quizzes domain, for the layers above it. Receivers run inside the submitting
request's transaction, so what they write is committed (or rolled back) with the attempt."""

from blinker import Namespace

signals = Namespace()

# Sent once per recorded attempt: sender=the QuizAttempt, with `enrolment` (the learner's
# Enrolment, or None for a trainer trying the quiz) and `course` (loaded with its structure).
# Learning's progress listens: its receiver returns True when the attempt completed the course.
attempt_recorded = signals.signal("quiz-attempt-recorded")
