# The "did you mean" vocabulary moves here from the frameworks app (cases.vocabulary), and
# the search vector's GIN index into Case.Meta.indexes. Both exist in the database already
# (frameworks 0002 and cases 0002 made them in SQL): only Django's view of them changes,
# no data moves and nothing is built again.

import django.contrib.postgres.indexes
from django.db import migrations, models


def content_type_to(app_label, from_app_label):
    """Keep the model's content type (and the permissions on it) under the app that has the model."""

    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
        if not content_types.filter(app_label=app_label, model="searchterm").exists():
            content_types.filter(app_label=from_app_label, model="searchterm").update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_coding_grounds'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('frameworks', '0002_search'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SearchTerm',
                    fields=[
                        ('word', models.CharField(max_length=80, primary_key=True, serialize=False, verbose_name='woord')),
                        ('frequency', models.PositiveIntegerField(verbose_name='aantal teksten')),
                    ],
                    options={
                        'verbose_name': 'zoekterm',
                        'verbose_name_plural': 'zoektermen',
                        'db_table': 'frameworks_searchterm',
                        'ordering': ['word'],
                        'indexes': [
                            django.contrib.postgres.indexes.GinIndex(
                                django.contrib.postgres.indexes.OpClass('word', name='gin_trgm_ops'), name='searchterm_word_trgm'
                            ),
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name='case',
                    index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='case_search_vector_gin'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to("cases", "frameworks"), content_type_to("frameworks", "cases")),
    ]
