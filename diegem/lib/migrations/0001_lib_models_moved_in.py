# The site's mechanisms keep their models in their own app (issue 10): the content
# version came from `frameworks`, the request limits and seed records from `diegem`.
# Only Django's idea of the models moves: each keeps its table, its rows, its
# constraints and indexes (SeparateDatabaseAndState with the old db_table). The
# content types move with them, so permissions on these models stay attached.

from django.db import migrations, models

MOVED = [("frameworks", "contentversion"), ("diegem", "requestlimit"), ("diegem", "seedrecord")]


def move_content_types(apps, schema_editor, *, backwards=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for old_label, model in MOVED:
        source, target = ("sitelib", old_label) if backwards else (old_label, "sitelib")
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('diegem', '0002_seed_record'),
        ('frameworks', '0005_thinkers_label'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ContentVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('counter', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': 'inhoudsversie',
                        'verbose_name_plural': 'inhoudsversie',
                        'db_table': 'frameworks_contentversion',
                        'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='content_version_single_row')],
                    },
                ),
                migrations.CreateModel(
                    name='RequestLimit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=64, unique=True, verbose_name='sleutel')),
                        ('uses', models.JSONField(default=list, help_text='Tijdstippen (Unix-tijd) binnen de periode.', verbose_name='gebruik')),
                        ('expires_at', models.DateTimeField(db_index=True, verbose_name='vervalt')),
                    ],
                    options={
                        'verbose_name': 'verzoeklimiet',
                        'verbose_name_plural': 'verzoeklimieten',
                        'db_table': 'diegem_requestlimit',
                        'ordering': ['expires_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SeedRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(help_text='Model en natuurlijke sleutel.', max_length=200, unique=True, verbose_name='object')),
                        ('wanted', models.CharField(max_length=64, verbose_name='vingerafdruk van de seed')),
                        ('written', models.CharField(max_length=64, verbose_name='vingerafdruk na het laden')),
                        ('loaded_at', models.DateTimeField(auto_now=True, verbose_name='geladen')),
                    ],
                    options={
                        'verbose_name': 'geladen seedobject',
                        'verbose_name_plural': 'geladen seedobjecten',
                        'db_table': 'diegem_seedrecord',
                        'ordering': ['key'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
