"""Import products from a CSV file: `manage.py import_catalog products.csv [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from switchboard.catalog.importing import COLUMNS, import_catalog_csv


class Command(BaseCommand):
    help = f"Create or update products from a CSV file with the columns: {', '.join(COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")

    def handle(self, path, dry_run, **options):
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = import_catalog_csv(path.read_bytes(), dry_run=dry_run)
        for line, reason in result.errors:
            self.stderr.write(f"line {line}: {reason}")
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{verb} {result.created}, updated {result.updated}, refused {len(result.errors)}"
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} rows refused", returncode=2)
