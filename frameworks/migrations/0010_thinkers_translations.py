# The thinkers of a source in French and English, as its other texts (0009): the column holds
# names and words around them ("ook Emile Durkheim over de grenzen van afhankelijkheid").

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('frameworks', '0009_translations'),
    ]

    operations = [
        migrations.AddField(
            model_name='source',
            name='thinkers_en',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='denkers (Engels)'),
        ),
        migrations.AddField(
            model_name='source',
            name='thinkers_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='denkers (Frans)'),
        ),
    ]
