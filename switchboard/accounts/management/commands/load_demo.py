"""Load the demo company. Idempotent: running it twice changes nothing.

Each app contributes its part through a `demo.py` module with a `load(out)` function,
called in INSTALLED_APPS order; later apps (queues, products, articles ...) add theirs.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create (or complete) the demo company and print the demo logins."

    def handle(self, *args, **options):
        for app in apps.get_app_configs():
            if not app.name.startswith("switchboard."):
                continue
            try:
                module = import_module(f"{app.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.demo":
                    raise
                continue
            module.load(self.stdout)
        from switchboard.accounts.demo import print_logins

        print_logins(self.stdout)
