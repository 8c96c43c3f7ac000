from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from switchboard.kb import _search_index

    _search_index.repair(connections[using])


class KbConfig(AppConfig):
    name = "switchboard.kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from switchboard.accounts.context_processors import NAV_ITEMS
        from switchboard.accounts.models import Role
        from switchboard.accounts.roles import register_role_permissions
        from switchboard.acd.panels import DeskPanel, register

        agent = ["kb.view_article", "kb.add_articlefeedback", "kb.view_category"]
        supervisor = agent + [
            "kb.add_article",
            "kb.change_article",
            "kb.publish_article",
            "kb.view_articlefeedback",
        ]
        register_role_permissions(
            {Role.AGENT: agent, Role.SUPERVISOR: supervisor, Role.ADMIN: supervisor}
        )
        for item in (
            (_("Knowledge base"), "kb:search", "kb.view_article"),
            (_("Repeated questions"), "kb:repeated", "kb.add_article"),
        ):
            if item[1] not in {i[1] for i in NAV_ITEMS}:
                NAV_ITEMS.append(item)
        register(DeskPanel("kb", _("Knowledge base"), "kb:panel", "kb.view_article", 20))
        post_migrate.connect(
            _repair_search_index, sender=self, dispatch_uid="kb_repair_search_index"
        )
