from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from switchboard.contacts import _search_index

    _search_index.repair(connections[using])


class ContactsConfig(AppConfig):
    name = "switchboard.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        post_migrate.connect(
            _repair_search_index, sender=self, dispatch_uid="contacts_repair_search_index"
        )
