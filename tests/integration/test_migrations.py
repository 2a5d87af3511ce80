from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

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


def test_schemes_frozen_before_scheme_hashes_existed_are_fingerprinted_on_upgrade(
    app: Any, session: Any
) -> None:
    from flask_migrate import downgrade, upgrade

    from integrity.registry.models import Task
    from integrity.registry.services import catalogue
    from tests import factories as f

    _, round_ = f.subject_with_round(session, f.event(session))
    task = catalogue.add_task(
        session, actor=f.ACTOR, round_=round_, title_kk="Есеп", title_ru="Задача", max_units=6,
        criteria=[("Шешімі", "Решение", 4), ("Жауабы", "", 2)],
    )  # fmt: skip
    catalogue.freeze_scheme(session, actor=f.ACTOR, task=task)
    session.commit()
    task_id, expected = task.id, task.scheme_sha256
    session.close()
    downgrade(revision="0015")  # as an instance was before: frozen, with no hash
    upgrade()
    again = session.get(Task, task_id)
    assert again is not None and again.scheme_version == 1
    assert (
        again.scheme_sha256 == expected == catalogue.scheme_digest(catalogue.frozen_payload(again))
    )


def test_annulment_kinds_go_down_and_up_with_a_superseded_and_an_annulled_diploma(
    app: Any, session: Any, users: Any
) -> None:
    from flask import current_app
    from flask_migrate import downgrade, upgrade

    from integrity.diplomas import services
    from integrity.diplomas.models import AnnulKind, Diploma, DocumentStatus
    from integrity.settings import settings_of
    from tests import factories as f

    _, _, made = f.issued_batch(session, users)
    settings, actor = settings_of(current_app), f.ACTOR
    services.reissue(session, actor=actor, settings=settings, diploma=made[0], reason="typo")
    services.set_status(session, actor=actor, settings=settings, diploma=made[1],
                        status=DocumentStatus.ANNULLED, reason="not a winner",
                        kind=AnnulKind.ERROR)  # fmt: skip
    session.commit()
    count = len(session.execute(select(Diploma)).scalars().all())
    session.close()
    downgrade(revision="0016")  # a rebuild of `diploma` would trip its own foreign key here
    upgrade()
    assert len(session.execute(select(Diploma)).scalars().all()) == count
    annulled = session.get(Diploma, made[1].id)
    assert annulled is not None and annulled.annul_kind == AnnulKind.ERROR  # read as "error"
