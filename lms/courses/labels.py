"""Human names for course settings, translated."""

from flask_babel import lazy_gettext as _l

from lms.courses.models import Audience, CompletionRule

AUDIENCE_LABELS = {
    Audience.FACULTY: _l("Faculty"),
    Audience.LEADERS: _l("Institutional leaders and administrators"),
    Audience.POLICY_MAKERS: _l("Policy makers"),
}

RULE_LABELS = {
    CompletionRule.ALL_LESSONS: _l("Complete every lesson"),
    CompletionRule.ALL_QUIZZES: _l("Pass every quiz"),
    CompletionRule.LESSONS_AND_QUIZZES: _l("Complete every lesson and pass every quiz"),
}
