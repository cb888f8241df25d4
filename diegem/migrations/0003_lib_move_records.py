# Request limits and seed records moved to the site's mechanisms (diegem/lib, app
# "sitelib"), keeping their tables: only Django's idea of the models leaves this app.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('diegem', '0002_seed_record'),
        ('sitelib', '0001_lib_models_moved_in'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='RequestLimit'),
                migrations.DeleteModel(name='SeedRecord'),
            ],
            database_operations=[],
        ),
    ]
