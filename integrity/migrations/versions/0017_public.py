"""annulment kinds: why a diploma was annulled (error, reissued, revoked), as its public check says

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 23:55:51.626208

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

KINDS = ("error", "reissued", "revoked")
ANNULLED_HAS_KIND = "status != 'annulled' OR annul_kind IS NOT NULL"


def upgrade():
    # A plain ADD COLUMN, no table rebuild: on SQLite a rebuild of `diploma` fails its own
    # foreign key (a superseded document names the one replacing it) while the old table drops.
    op.add_column(
        "diploma",
        sa.Column(
            "annul_kind",
            sa.String(length=32),
            sa.CheckConstraint(
                "annul_kind IN ('error', 'reissued', 'revoked')",
                name=op.f("ck_diploma_diploma_annul_kind"),
            ),
            nullable=True,
        ),
    )
    # Annulments made before kinds existed: the model's rule was "a mistake is annulled" (a
    # correction supersedes), so they read as issued in error.
    op.execute("UPDATE diploma SET annul_kind = 'error' WHERE status = 'annulled'")
    if op.get_bind().dialect.name != "sqlite":
        # SQLite adds a table's CHECK only by rebuilding it (see above); the service keeps the rule
        # there, the database too elsewhere.
        op.create_check_constraint(op.f("ck_diploma_annulled_kind"), "diploma", ANNULLED_HAS_KIND)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # In place, as the upgrade added it: a rebuild fails the table's own foreign key. SQLite
        # (3.35+) drops a column whose only CHECK is its own.
        op.execute("ALTER TABLE diploma DROP COLUMN annul_kind")
        return
    with op.batch_alter_table("diploma", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint(op.f("ck_diploma_annulled_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_diploma_diploma_annul_kind"), type_="check")
        batch_op.drop_column("annul_kind")
