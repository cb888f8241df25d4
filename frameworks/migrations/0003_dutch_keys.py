"""The sources and tension fields get the Dutch keys the site shows in its URLs."""

from django.db import migrations

# A copy (migrations do not import app code that may change): old key -> new key.
RENAMED = {
    "frameworks.source": {
        "interdependence": "wederzijdse-afhankelijkheid",
        "norms-values": "normen-en-waarden",
        "struggle": "strijd",
        "encounter": "ontmoeting",
    },
    "frameworks.tensionfield": {
        "universal-particularistic": "universeel-particularistisch",
        "economic-cultural": "economisch-cultureel",
        "integration-transformation": "integratie-transformatie",
        "distance-proximity": "afstand-nabijheid",
        "negotiable-non-negotiable": "onderhandelbaar-niet-onderhandelbaar",
    },
}


def rename(apps, schema_editor, *, backwards=False):
    for label, keys in RENAMED.items():
        model = apps.get_model(label)
        for old, new in keys.items():
            if backwards:
                old, new = new, old
            model.objects.filter(key=old).update(key=new)


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0002_search")]

    operations = [
        migrations.RunPython(rename, lambda apps, editor: rename(apps, editor, backwards=True)),
    ]
