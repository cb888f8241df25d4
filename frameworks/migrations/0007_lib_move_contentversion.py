# The content version moved to the site's mechanisms (diegem/lib, app "sitelib"),
# keeping its table: only Django's idea of the model leaves this app.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('frameworks', '0006_search_vocabulary_moved_to_cases'),
        ('sitelib', '0001_lib_models_moved_in'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ContentVersion'),
            ],
            database_operations=[],
        ),
    ]
