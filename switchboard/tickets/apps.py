from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "switchboard.tickets"
    label = "tickets"
    verbose_name = _("Complaints and departments")

    def ready(self):
        from switchboard.accounts.context_processors import NAV_ITEMS
        from switchboard.accounts.models import Role
        from switchboard.accounts.roles import register_role_permissions
        from switchboard.acd.panels import DeskPanel, register

        agent = [
            "tickets.view_ticket",
            "tickets.add_ticket",
            "tickets.change_ticket",
            "tickets.view_department",
        ]
        supervisor = agent + ["tickets.view_all_tickets", "tickets.view_internal_notes"]
        register_role_permissions(
            {Role.AGENT: agent, Role.SUPERVISOR: supervisor, Role.ADMIN: supervisor}
        )
        item = (_("Tickets"), "tickets:list", "tickets.view_ticket")
        if item[1] not in {i[1] for i in NAV_ITEMS}:
            NAV_ITEMS.append(item)
        register(DeskPanel("tickets", _("Tickets"), "tickets:panel", "tickets.add_ticket", 10))
