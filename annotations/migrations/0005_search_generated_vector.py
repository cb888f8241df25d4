# The annotation's search vector becomes a column PostgreSQL computes (GENERATED ALWAYS ...
# STORED) from the attribution, the body and the passage, with its GIN index in
# Annotation.Meta.indexes. A column cannot become generated in place: the old one goes
# (and with it the index made in SQL by 0002), the new one is computed for every row.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

# Going back: the old column's index and contents, as 0002 and the services made them.
OLD_INDEX_AND_VECTORS = [
    "CREATE INDEX annotation_search_vector_gin ON annotations_annotation USING gin (search_vector)",
    "UPDATE annotations_annotation SET search_vector ="
    " setweight(to_tsvector('dutch_unaccent', coalesce(attribution, '')), 'A')"
    " || setweight(to_tsvector('dutch_unaccent', coalesce(body, '')), 'B')"
    " || setweight(to_tsvector('dutch_unaccent', coalesce(quote_exact, '')), 'D')",
]


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0004_echo_section'),
    ]

    operations = [
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=OLD_INDEX_AND_VECTORS),
        migrations.RemoveField(
            model_name='annotation',
            name='search_vector',
        ),
        migrations.AddField(
            model_name='annotation',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('attribution', config='dutch_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector('body', config='dutch_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('dutch_unaccent')), '||', django.contrib.postgres.search.SearchVector('quote_exact', config='dutch_unaccent', weight='D'), django.contrib.postgres.search.SearchConfig('dutch_unaccent')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='annotation',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='annotation_search_vector_gin'),
        ),
    ]
