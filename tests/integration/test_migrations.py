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
