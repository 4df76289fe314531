"""hub contributions: submissions of draft items, their review history, the hub's editors; the
`hub` notification kind

Revision ID: 9b4e2d7a1c63
Revises: 3b9e6d1f8a27
Create Date: 2026-12-02 15:15:00

Also a merge point: the hub's branch and main's notifications both ended a line of revisions.
"""

import sqlalchemy as sa
from alembic import op

revision = "9b4e2d7a1c63"
down_revision = "3b9e6d1f8a27"
branch_labels = None
depends_on = None

STATES = ("submitted", "changes-requested", "accepted", "published", "rejected")
OLD_KINDS = ("enrolment", "announcement", "reply", "certificate", "reminder")
NEW_KINDS = (*OLD_KINDS, "hub")


def _kind(values):
    return sa.Enum(*values, name="kind", native_enum=False, create_constraint=True, length=32)


def _state(name="state", nullable=False):
    return sa.Column(
        name,
        sa.Enum(*STATES, name=name, native_enum=False, create_constraint=True, length=32),
        nullable=nullable,
    )


def _set_kinds(old, new):
    for table in ("notification", "notification_preference"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("kind", existing_type=_kind(old), type_=_kind(new), existing_nullable=False)


def upgrade():
    op.create_table(
        "hub_editor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["user.id"], name=op.f("fk_hub_editor_granted_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_hub_editor_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_hub_editor")),
    )
    op.create_table(
        "hub_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        _state(),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_id"],
            ["user.id"],
            name=op.f("fk_hub_submission_contributor_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["hub_item.id"], name=op.f("fk_hub_submission_item_id_hub_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_submission")),
        sa.UniqueConstraint("item_id", name=op.f("uq_hub_submission_item_id")),
    )
    with op.batch_alter_table("hub_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hub_submission_contributor_id"), ["contributor_id"], unique=False
        )
        batch_op.create_index("ix_hub_submission_state_updated", ["state", "updated_at"], unique=False)
    op.create_table(
        "hub_review_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        _state("from_state", nullable=True),
        _state("to_state"),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_hub_review_event_actor_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["hub_submission.id"],
            name=op.f("fk_hub_review_event_submission_id_hub_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_review_event")),
    )
    with op.batch_alter_table("hub_review_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hub_review_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hub_review_event_submission_id"), ["submission_id"], unique=False
        )
    _set_kinds(OLD_KINDS, NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind = 'hub'")
    op.execute("DELETE FROM notification_preference WHERE kind = 'hub'")
    _set_kinds(NEW_KINDS, OLD_KINDS)
    op.drop_table("hub_review_event")
    op.drop_table("hub_submission")
    op.drop_table("hub_editor")
