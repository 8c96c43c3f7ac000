"""Indexes for contact search: FTS5 trigram tables on SQLite, pg_trgm GIN indexes on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from switchboard.contacts import _search_index

    _search_index.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from switchboard.contacts import _search_index

    _search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
