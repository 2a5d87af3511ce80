"""annulment kinds: why a diploma was annulled (error, reissued, revoked), as its public check says

Revision ID: 0015_public
Revises: 0014
Create Date: 2026-12-07 23:55:51.626208

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015_public"
down_revision = "0014"
branch_labels = None
depends_on = None

KINDS = sa.Enum(
    "error",
    "reissued",
    "revoked",
    name="diploma_annul_kind",
    native_enum=False,
    create_constraint=True,
    length=32,
)


def upgrade():
    with op.batch_alter_table("diploma", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annul_kind", KINDS, nullable=True))
    # Annulments made before kinds existed: the model's rule was "a mistake is annulled" (a
    # correction supersedes), so they read as issued in error.
    op.execute("UPDATE diploma SET annul_kind = 'error' WHERE status = 'annulled'")
    with op.batch_alter_table("diploma", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_diploma_annulled_kind"), "status != 'annulled' OR annul_kind IS NOT NULL"
        )


def downgrade():
    with op.batch_alter_table("diploma", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_diploma_annulled_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_diploma_diploma_annul_kind"), type_="check")
        batch_op.drop_column("annul_kind")
