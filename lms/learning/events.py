"""Events other domains subscribe to. Receivers run inside the same transaction as the change
that caused the event, so what they write is committed (or rolled back) with it."""

from blinker import Namespace

signals = Namespace()

# Sent exactly once per enrolment, when the course's completion rule is first met.
# Receivers get sender=the Enrolment.
course_completed = signals.signal("course-completed")
