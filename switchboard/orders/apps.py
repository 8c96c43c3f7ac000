from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "switchboard.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from switchboard.acd.panels import DeskPanel, register

        register(
            DeskPanel(
                key="orders",
                title=_("Orders and promotions"),
                url_name="orders:desk_panel",
                permission="orders.add_order",
                order=10,
            )
        )
