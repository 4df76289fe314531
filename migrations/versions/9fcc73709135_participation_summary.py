"""participation summary: enrolment_summary and enrolment_days, created and filled from the
enrolments, certificates and quiz attempts already there

Revision ID: 9fcc73709135
Revises: 7c3f9a2e5b18
Create Date: 2026-12-02 14:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9fcc73709135"
down_revision = "7c3f9a2e5b18"
branch_labels = None
depends_on = None

KEY = (
    ("level", sa.SmallInteger()),
    ("course_id", sa.Integer()),
    ("day", sa.Date()),
    ("gender", sa.String(length=16)),
    ("country", sa.String(length=2)),
    ("institution", sa.String(length=200)),
    ("profile_role", sa.String(length=32)),
)
COUNTS = ("enrolled", "started", "completed", "certified", "quiz_takers", "quiz_scores")
KEY_SUMS = ("enrolled_key", "started_key", "completed_key", "certified_key", "quiz_takers_key")


def _key_columns():
    return [sa.Column(name, type_, autoincrement=False, nullable=False) for name, type_ in KEY]


def upgrade():
    op.create_table(
        "enrolment_summary",
        *_key_columns(),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("quiz_score_sum", sa.Float(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in KEY_SUMS),
        sa.PrimaryKeyConstraint(*(name for name, _type in KEY), name=op.f("pk_enrolment_summary")),
    )
    with op.batch_alter_table("enrolment_summary", schema=None) as batch_op:
        batch_op.create_index("ix_enrolment_summary_level_day", ["level", "day"], unique=False)
        batch_op.create_index(
            "ix_enrolment_summary_level_country", ["level", "country", "institution"], unique=False
        )
        batch_op.create_index("ix_enrolment_summary_level_role", ["level", "profile_role"], unique=False)
    op.create_table(
        "enrolment_days",
        *_key_columns(),
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("completers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*(name for name, _type in KEY), "days", name=op.f("pk_enrolment_days")),
    )
    with op.batch_alter_table("enrolment_days", schema=None) as batch_op:
        batch_op.create_index("ix_enrolment_days_level_day", ["level", "day"], unique=False)
        batch_op.create_index(
            "ix_enrolment_days_level_country", ["level", "country", "institution"], unique=False
        )
    # Filled by the statement of `flask reports rebuild-summary`, in this migration's transaction.
    from lms.reports import summary

    summary.rebuild(op.get_bind())


def downgrade():
    op.drop_table("enrolment_days")
    op.drop_table("enrolment_summary")
