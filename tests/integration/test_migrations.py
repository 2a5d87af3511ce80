from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from integrity.db import Base


def test_models_and_migrations_describe_the_same_schema(session: Any) -> None:
    # The test database was built by the migrations alone; any difference means a missing migration.
    connection = session.connection()
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True}
    )
    assert compare_metadata(context, Base.metadata) == []


def test_protocols_frozen_before_marks_locks_existed_lock_their_marks_on_upgrade(
    app: Any, session: Any
) -> None:
    from flask_migrate import downgrade, upgrade

    from integrity.jury.models import MarksLock
    from integrity.protocols import services as protocols
    from tests import factories as f
    from tests.factories import marked_round

    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    session.commit()
    key = (protocol.round_id, protocol.grade)
    session.close()
    downgrade(revision="0013")  # as an instance was before: no lock table at all
    upgrade()
    lock = session.get(MarksLock, key)
    assert lock is not None and lock.locked_at == protocol.frozen_at
