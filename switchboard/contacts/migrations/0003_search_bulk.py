"""The SQLite search triggers learn to stand aside for a bulk import (see _search_index)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from switchboard.contacts import _search_index

    _search_index.repair(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_search"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
