"""enrolment record keys for cell-key perturbation of participation statistics

Every enrolment gets a permanent random key in [0, 1,000,000); existing rows get one here.

Revision ID: 5b2e7c1d9a40
Revises: c63024bcebc1
Create Date: 2026-12-02 00:50:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b2e7c1d9a40"
down_revision = "c63024bcebc1"
branch_labels = None
depends_on = None

MODULUS = 1_000_000


def upgrade():
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", sa.Integer(), nullable=True))
    enrolment = sa.table("enrolment", sa.column("id", sa.Integer), sa.column("record_key", sa.Integer))
    connection = op.get_bind()
    ids = [row.id for row in connection.execute(sa.select(enrolment.c.id))]
    # Drawn in Python with the same generator as new rows (secrets), so both databases agree.
    for start in range(0, len(ids), 1000):
        connection.execute(
            enrolment.update().where(enrolment.c.id == sa.bindparam("eid")).values(record_key=sa.bindparam("key")),
            [{"eid": eid, "key": secrets.randbelow(MODULUS)} for eid in ids[start : start + 1000]],
        )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.alter_column("record_key", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            "record_key_in_range", f"record_key >= 0 AND record_key < {MODULUS}"
        )


def downgrade():
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_enrolment_record_key_in_range"), type_="check")
        batch_op.drop_column("record_key")
