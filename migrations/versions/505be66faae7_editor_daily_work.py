"""the editor's daily work: removed modules, lessons and questions kept for restoring; a
course image with its text alternative (published and draft)

Revision ID: 505be66faae7
Revises: ed23c59e864a
Create Date: 2026-12-02 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "505be66faae7"
down_revision = "ed23c59e864a"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("course", "draft_course"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("image", sa.String(length=80), nullable=True))
            batch_op.add_column(sa.Column("image_alt", sa.String(length=300), server_default="", nullable=False))
    op.create_table(
        "draft_removal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=False),
        sa.Column("restored_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["draft_course.course_id"], name=op.f("fk_draft_removal_course_id_draft_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["user.id"], name=op.f("fk_draft_removal_removed_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_removal")),
    )
    with op.batch_alter_table("draft_removal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_removal_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draft_removal_removed_by_id"), ["removed_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("draft_removal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_removal_removed_by_id"))
        batch_op.drop_index(batch_op.f("ix_draft_removal_course_id"))
    op.drop_table("draft_removal")
    for table in ("course", "draft_course"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("image_alt")
            batch_op.drop_column("image")
