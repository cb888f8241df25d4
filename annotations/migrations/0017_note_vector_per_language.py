# The annotation's search vector with the stemmer of each part's language: its attribution and
# text with the language it is written in (`original_language`), the passage with the language
# of the text version it is on (`text_language`). A generated column cannot change in place:
# its index and the column go, the new one is computed for every row, the index comes back.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0016_text_language'),
        ('frameworks', '0009_translations'),  # the French and English configurations
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='annotation',
            name='annotation_search_vector_gin',
        ),
        migrations.RemoveField(
            model_name='annotation',
            name='search_vector',
        ),
        migrations.AddField(
            model_name='annotation',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.Case(models.When(original_language='fr', then=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('attribution', config='french_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector('body', config='french_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('french_unaccent'))), models.When(original_language='en', then=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('attribution', config='english_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector('body', config='english_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('english_unaccent'))), default=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('attribution', config='dutch_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector('body', config='dutch_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('dutch_unaccent')), output_field=django.contrib.postgres.search.SearchVectorField()), models.Case(models.When(text_language='fr', then=django.contrib.postgres.search.SearchVector('quote_exact', config='french_unaccent', weight='D')), models.When(text_language='en', then=django.contrib.postgres.search.SearchVector('quote_exact', config='english_unaccent', weight='D')), default=django.contrib.postgres.search.SearchVector('quote_exact', config='dutch_unaccent', weight='D'), output_field=django.contrib.postgres.search.SearchVectorField()), arg_joiner=' || ', function='', output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='annotation',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='annotation_search_vector_gin'),
        ),
    ]
