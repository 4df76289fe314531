"""deadlines and calendar feeds: course start and end dates, module due dates (published and
draft), and each learner's private calendar token

Revision ID: d4e1a7c9b2f6
Revises: 5b2e7c1d9a40
Create Date: 2026-12-02 06:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4e1a7c9b2f6"
down_revision = "5b2e7c1d9a40"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("course", "draft_course"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "dates", "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on"
        )
    for table in ("module", "draft_module"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.create_check_constraint("one_due", "due_on IS NULL OR due_at IS NULL")
    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_calendar_feed_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_feed_token")),
    )


def downgrade():
    op.drop_table("calendar_feed")
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_module_one_due"), type_="check")
    for table in ("module", "draft_module"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("due_at")
            batch_op.drop_column("due_on")
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_course_dates"), type_="check")
    for table in ("course", "draft_course"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("ends_on")
            batch_op.drop_column("starts_on")
