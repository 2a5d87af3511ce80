"""documents: what a round's protocols are signed with (place, the jury's chair and members)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 00:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


# Plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35 and later have both): recreating "round", as a
# batch would by default, is refused while other tables' foreign keys point at it.


def upgrade():
    with op.batch_alter_table("round", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("jury_chair", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("jury_members", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("round", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("jury_members")
        batch_op.drop_column("jury_chair")
        batch_op.drop_column("place")
