"""certificate status index and identity hash (Open Badges 3.0 credentials)

Each certificate gets its bit in the Bitstring Status List (`status_index`, unique, drawn at
random) and the salted hash of its holder's email address (OB 3.0 IdentityObject). Existing
certificates are given both here: a random sample of the lists' indexes and the holder's
current address (none for a holder who withdrew their personal data).

Revision ID: a7c3e1f2b9d4
Revises: ebd0d59b735a
Create Date: 2026-12-02 00:45:00

"""
import hashlib
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e1f2b9d4'
down_revision = 'ebd0d59b735a'
branch_labels = None
depends_on = None

LIST_SIZE = 131072


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('identity_salt', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('identity_hash', sa.String(length=80), nullable=False, server_default=''))
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_status_index'), ['status_index'])

    connection = op.get_bind()
    rows = connection.execute(sa.text(
        'SELECT certificate.id, "user".email, certificate.holder_name '
        'FROM certificate JOIN "user" ON "user".id = certificate.user_id'
    )).all()
    space = LIST_SIZE * (1 + len(rows) // (LIST_SIZE // 4))
    indexes = secrets.SystemRandom().sample(range(space), len(rows))
    for (ident, email, holder_name), index in zip(rows, indexes):
        salt = digest = ""
        if holder_name:  # a holder who withdrew their personal data gets no identity hash
            salt = secrets.token_hex(16)
            digest = "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
        connection.execute(
            sa.text('UPDATE certificate SET status_index = :index, identity_salt = :salt, '
                    'identity_hash = :digest WHERE id = :id'),
            {"index": index, "salt": salt, "digest": digest, "id": ident},
        )


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificate_status_index'), type_='unique')
        batch_op.drop_column('identity_hash')
        batch_op.drop_column('identity_salt')
        batch_op.drop_column('status_index')
