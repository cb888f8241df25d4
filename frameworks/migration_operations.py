"""Migration helpers for what only PostgreSQL has (the site also runs on SQLite)."""

from django.db import migrations


def postgresql_only(*forwards_sql: str, backwards_sql: tuple[str, ...] = ()) -> migrations.RunPython:
    """Run these statements on PostgreSQL; do nothing on other databases."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in forwards_sql:
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in backwards_sql:
                schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards, elidable=False)
