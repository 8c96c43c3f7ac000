from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from switchboard.catalog import _search_index

    _search_index.repair(connections[using])


class CatalogConfig(AppConfig):
    name = "switchboard.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        post_migrate.connect(
            _repair_search_index, sender=self, dispatch_uid="catalog_repair_search_index"
        )
