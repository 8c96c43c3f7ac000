from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "switchboard.calls"
    label = "calls"
    verbose_name = _("Calls")

    def ready(self):
        from switchboard.accounts.models import Role
        from switchboard.accounts.roles import register_role_permissions

        supervisor = ["calls.monitor_call", "calls.view_callmonitoring"]
        register_role_permissions({Role.SUPERVISOR: supervisor, Role.ADMIN: supervisor})
