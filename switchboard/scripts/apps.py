from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScriptsConfig(AppConfig):
    name = "switchboard.scripts"
    label = "scripts"
    verbose_name = _("Call scripts")

    def ready(self):
        from switchboard.accounts.context_processors import NAV_ITEMS
        from switchboard.accounts.models import Role
        from switchboard.accounts.roles import register_role_permissions
        from switchboard.acd.panels import DeskPanel, register

        agent = [
            "scripts.view_script",
            "scripts.add_scriptrun",
            "scripts.change_scriptrun",
            "scripts.view_scriptrun",
        ]
        supervisor = agent + ["scripts.view_adherence"]
        register_role_permissions(
            {Role.AGENT: agent, Role.SUPERVISOR: supervisor, Role.ADMIN: supervisor}
        )
        item = (_("Scripts"), "scripts:list", "scripts.view_script")
        if item[1] not in {i[1] for i in NAV_ITEMS}:
            NAV_ITEMS.append(item)
        register(DeskPanel("script", _("Script"), "scripts:panel", "scripts.view_script", 5))
