"""Article search: an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from switchboard.kb import _search_index

    _search_index.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from switchboard.kb import _search_index

    _search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
