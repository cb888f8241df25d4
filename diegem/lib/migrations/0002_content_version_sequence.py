# The content version moves without a row lock (issue 15, a race audit): it was one row that
# every content write updated and kept locked to its commit, so that two writes taking their
# other locks in the opposite order (a note on a case and a reading of it processed; a
# moderation and an edit of the text under the note) deadlocked, and one of them was a 500.
# Now it is a sequence, whose `nextval` locks nothing and never hands out a value twice (not
# even after a rollback), read through a view under the table's old name, so that reading it
# stays the same query. The value it had is kept.

import secrets

from django.db import migrations

SEQUENCE = "content_version_seq"
TABLE = "frameworks_contentversion"


def to_sequence(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT counter FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    value = row[0] if row and row[0] > 0 else secrets.randbits(62) | 1
    schema_editor.execute(f"DROP TABLE {TABLE}")
    schema_editor.execute(f"CREATE SEQUENCE {SEQUENCE} AS bigint MINVALUE 1")
    schema_editor.execute("SELECT setval(%s, %s)", [SEQUENCE, value])
    schema_editor.execute(
        f"CREATE VIEW {TABLE} AS SELECT 1::bigint AS id, last_value AS counter FROM {SEQUENCE}"
    )


def to_table(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {SEQUENCE}")
        (value,) = cursor.fetchone()
    schema_editor.execute(f"DROP VIEW {TABLE}")
    schema_editor.execute(f"DROP SEQUENCE {SEQUENCE}")
    model = apps.get_model("sitelib", "ContentVersion")  # the table, as it was
    schema_editor.create_model(model)
    model.objects.using(schema_editor.connection.alias).create(pk=1, counter=value)


class Migration(migrations.Migration):
    dependencies = [("sitelib", "0001_lib_models_moved_in")]

    operations = [
        migrations.RunPython(to_sequence, to_table),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="contentversion", name="content_version_single_row"
                ),
                migrations.AlterModelOptions(
                    name="contentversion",
                    options={
                        "managed": False,
                        "verbose_name": "inhoudsversie",
                        "verbose_name_plural": "inhoudsversie",
                    },
                ),
            ]
        ),
    ]
