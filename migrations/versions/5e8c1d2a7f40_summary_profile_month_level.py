"""participation summary: a level for every course together by month, gender, country,
institution and profile role (lms.reports.models.PROFILE_MONTH), filled by a rebuild; indexes
by level, profile role and day on both tables

Revision ID: 5e8c1d2a7f40
Revises: 9b4e2d7a1c63
Create Date: 2026-12-02 18:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e8c1d2a7f40"
down_revision = "9b4e2d7a1c63"
branch_labels = None
depends_on = None

PROFILE_MONTH = 6


def upgrade():
    with op.batch_alter_table("enrolment_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolment_summary_level_role")
        batch_op.create_index("ix_enrolment_summary_level_role_day", ["level", "profile_role", "day"], unique=False)
    with op.batch_alter_table("enrolment_days", schema=None) as batch_op:
        batch_op.create_index("ix_enrolment_days_level_role_day", ["level", "profile_role", "day"], unique=False)
    # The same statements as `flask reports rebuild-summary`, in this migration's transaction.
    from lms.reports import summary

    summary.rebuild(op.get_bind())


def downgrade():
    for table in ("enrolment_days", "enrolment_summary"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE level = :level").bindparams(level=PROFILE_MONTH))
    with op.batch_alter_table("enrolment_days", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolment_days_level_role_day")
    with op.batch_alter_table("enrolment_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolment_summary_level_role_day")
        batch_op.create_index("ix_enrolment_summary_level_role", ["level", "profile_role"], unique=False)
