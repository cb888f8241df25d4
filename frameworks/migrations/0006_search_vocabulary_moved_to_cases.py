# SearchTerm now belongs to the cases app (cases.vocabulary), which keeps its table
# (cases 0007): the model leaves this app's state only; the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_search_vocabulary_and_gin_index'),
        ('frameworks', '0005_thinkers_label'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='SearchTerm')],
            database_operations=[],
        ),
    ]
