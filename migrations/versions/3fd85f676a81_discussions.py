"""discussions: threads by topic (general or a module), their posts (held, hidden with a
reason, the answer) and reports of posts

Revision ID: 3fd85f676a81
Revises: d4e1a7c9b2f6
Create Date: 2026-12-02 13:55:24.695313

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3fd85f676a81"
down_revision = "d4e1a7c9b2f6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discussion_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_post_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_discussion_thread_author_id_user")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_discussion_thread_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["module.id"],
            name=op.f("fk_discussion_thread_module_id_module"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_thread")),
    )
    with op.batch_alter_table("discussion_thread", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_thread_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            "ix_discussion_thread_listing", ["course_id", "pinned", "last_post_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_thread_module_id"), ["module_id"], unique=False)

    op.create_table(
        "discussion_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("opening", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("excerpt", sa.String(length=400), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "published",
                "held",
                "hidden",
                name="poststatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("is_answer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("moderated_by_id", sa.Integer(), nullable=True),
        sa.Column("moderated_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status <> 'hidden' OR moderated_at IS NOT NULL", name=op.f("ck_discussion_post_hidden_when")
        ),
        sa.CheckConstraint("NOT (opening AND is_answer)", name=op.f("ck_discussion_post_opening_not_answer")),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_discussion_post_author_id_user")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_discussion_post_course_id_course"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["moderated_by_id"], ["user.id"], name=op.f("fk_discussion_post_moderated_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_thread.id"],
            name=op.f("fk_discussion_post_thread_id_discussion_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_post")),
    )
    with op.batch_alter_table("discussion_post", schema=None) as batch_op:
        batch_op.create_index(
            "ix_discussion_post_author_id_created_at", ["author_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_post_course_id"), ["course_id"], unique=False)
        batch_op.create_index("ix_discussion_post_thread_id_id", ["thread_id", "id"], unique=False)

    op.create_table(
        "discussion_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_discussion_report_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["discussion_post.id"],
            name=op.f("fk_discussion_report_post_id_discussion_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["user.id"], name=op.f("fk_discussion_report_reporter_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user.id"], name=op.f("fk_discussion_report_resolved_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_report")),
        sa.UniqueConstraint("post_id", "reporter_id", name=op.f("uq_discussion_report_post_id_reporter_id")),
    )
    with op.batch_alter_table("discussion_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_report_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussion_report_reporter_id"), ["reporter_id"], unique=False)


def downgrade():
    with op.batch_alter_table("discussion_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_report_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_report_course_id"))

    op.drop_table("discussion_report")
    with op.batch_alter_table("discussion_post", schema=None) as batch_op:
        batch_op.drop_index("ix_discussion_post_thread_id_id")
        batch_op.drop_index(batch_op.f("ix_discussion_post_course_id"))
        batch_op.drop_index("ix_discussion_post_author_id_created_at")

    op.drop_table("discussion_post")
    with op.batch_alter_table("discussion_thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_thread_module_id"))
        batch_op.drop_index("ix_discussion_thread_listing")
        batch_op.drop_index(batch_op.f("ix_discussion_thread_author_id"))

    op.drop_table("discussion_thread")
