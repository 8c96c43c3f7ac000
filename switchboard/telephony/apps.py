from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "switchboard.telephony"
    label = "telephony"
    verbose_name = _("Telephony")

    def ready(self):
        from switchboard.accounts.models import Role
        from switchboard.accounts.roles import register_role_permissions

        # Administrators manage trunks, phones and prompts; supervisors may see who has which
        # extension (the floor); agents see nothing here.
        manage = [
            f"telephony.{verb}_{noun}"
            for noun in ("extension", "trunk", "prompt")
            for verb in ("view", "add", "change", "delete")
        ]
        register_role_permissions(
            {Role.SUPERVISOR: ["telephony.view_extension"], Role.ADMIN: manage}
        )
