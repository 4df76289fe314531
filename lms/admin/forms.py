from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional, ValidationError

from lms.audit import Action
from lms.roles import Role

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class UserSearchForm(FlaskForm):
    """Sent by POST and kept in the session, so that names and emails never appear in URLs."""

    q = SearchField(_l("Name or email contains"), validators=[Optional(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice("", _l("Any role"))] + ROLE_CHOICES, validators=[Optional()]
    )


class UserAccessForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Account active (can sign in)"))


ACTION_LABELS = {
    Action.SIGN_IN: _l("Signed in"),
    Action.SIGN_IN_FAILED: _l("Failed sign-in"),
    Action.SIGN_OUT: _l("Signed out"),
    Action.PASSWORD_CHANGED: _l("Password changed"),
    Action.PASSWORD_RESET: _l("Password reset"),
    Action.ROLE_CHANGED: _l("Role changed"),
    Action.ACCOUNT_ACTIVATED: _l("Account activated"),
    Action.ACCOUNT_DEACTIVATED: _l("Account deactivated"),
    Action.COHORT_UPLOADED: _l("Cohort uploaded"),
    Action.EXACT_EXPORT: _l("Exact figures exported"),
    Action.CERTIFICATE_REVOKED: _l("Certificate revoked"),
    Action.CERTIFICATE_REINSTATED: _l("Certificate reinstated"),
    Action.CERTIFICATE_REISSUED: _l("Certificate re-issued"),
    Action.COURSE_PUBLISHED: _l("Course published"),
    Action.COURSE_WITHDRAWN: _l("Course withdrawn"),
    Action.BACKUP_CREATED: _l("Backup created"),
    Action.BACKUP_RESTORED: _l("Backup restored"),
    Action.PERSONAL_DATA_EXPORTED: _l("Personal data downloaded"),
    Action.ACCOUNT_DELETED: _l("Account deleted"),
    Action.AUDIT_EXPORTED: _l("Audit log exported"),
    Action.AUDIT_PURGED: _l("Old audit entries purged"),
    Action.DISCUSSION_POST_HIDDEN: _l("Discussion post hidden"),
    Action.DISCUSSION_POST_RESTORED: _l("Discussion post restored"),
    Action.DISCUSSION_POST_APPROVED: _l("Discussion post approved"),
    Action.DISCUSSION_THREAD_LOCKED: _l("Discussion thread locked"),
    Action.DISCUSSION_THREAD_UNLOCKED: _l("Discussion thread unlocked"),
    Action.NEWSLETTER_SENT: _l("Newsletter issue sent"),
    Action.HUB_CHANGES_REQUESTED: _l("Hub submission: changes requested"),
    Action.HUB_SUBMISSION_ACCEPTED: _l("Hub submission accepted"),
    Action.HUB_SUBMISSION_PUBLISHED: _l("Hub submission published"),
    Action.HUB_SUBMISSION_REJECTED: _l("Hub submission rejected"),
    Action.HUB_EDITOR_GRANTED: _l("Hub editor role given"),
    Action.HUB_EDITOR_REVOKED: _l("Hub editor role removed"),
    Action.HUB_BRIEF_PUBLISHED: _l("Policy brief published in the hub"),
}


class AuditFilterForm(FlaskForm):
    """Sent by POST and kept in the session (as an account id), so that no email is in a URL."""

    person = SearchField(
        _l("Person (email address)"),
        description=_l("Entries this person made or that are about them."),
        validators=[Optional(), Length(max=254)],
    )
    action = SelectField(
        _l("Action"),
        choices=[SelectChoice("", _l("Any action"))]
        + [SelectChoice(action.value, label) for action, label in ACTION_LABELS.items()],
        validators=[Optional()],
    )
    since = DateField(_l("From (inclusive)"), validators=[Optional()])
    until = DateField(_l("Until (inclusive)"), validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
