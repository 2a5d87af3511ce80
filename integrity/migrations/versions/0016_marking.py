"""marking schemes: a frozen scheme's version and SHA-256 (both languages are part of it)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 23:55:00

Schemes frozen before this revision get their fingerprint here, from their stored wording: it
could not change after their freeze, so the hash is that of the scheme the markers saw. The
canonical form is written out below as it was on this day (form 1 of registry.domain.scheme), so
later changes to the code cannot change what this migration computed.
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _digest(max_units, criteria):
    payload = {
        "form": 1,
        "version": 1,
        "max_units": max_units,
        "criteria": [
            {"number": n, "max_units": u, "kk": kk, "ru": ru} for n, u, kk, ru in criteria
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scheme_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("scheme_sha256", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    frozen = bind.execute(
        sa.text("SELECT id, max_units FROM task WHERE scheme_frozen_at IS NOT NULL")
    ).all()
    for task_id, max_units in frozen:
        criteria = bind.execute(
            sa.text(
                "SELECT number, max_units, description_kk, description_ru FROM task_criterion "
                "WHERE task_id = :t ORDER BY number"
            ),
            {"t": task_id},
        ).all()
        bind.execute(
            sa.text("UPDATE task SET scheme_sha256 = :h WHERE id = :t"),
            {"h": _digest(max_units, [tuple(row) for row in criteria]), "t": task_id},
        )


def downgrade():
    # Dropped in place, never by copying the table: on SQLite a batch copy would drop the old
    # "task" table and, with foreign keys on, cascade away every task's criteria.
    if op.get_bind().dialect.name == "sqlite":  # 3.35+ drops a plain column in place
        op.execute("ALTER TABLE task DROP COLUMN scheme_sha256")
        op.execute("ALTER TABLE task DROP COLUMN scheme_version")
        return
    op.drop_column("task", "scheme_sha256")
    op.drop_column("task", "scheme_version")
