"""Product search: an FTS5 trigram table on SQLite, a pg_trgm GIN index on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from switchboard.catalog import _search_index

    _search_index.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from switchboard.catalog import _search_index

    _search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
