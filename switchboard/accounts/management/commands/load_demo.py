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
        loaded = []
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
            loaded.append(module)
        # The web logins first, then whatever else an app prints (e.g. SIP phones' logins).
        for module in sorted(loaded, key=lambda m: m.__name__ != "switchboard.accounts.demo"):
            if hasattr(module, "print_logins"):
                module.print_logins(self.stdout)
