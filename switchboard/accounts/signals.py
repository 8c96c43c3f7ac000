from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_role_groups(sender, **kwargs):
    # Run once, after the last app's permissions exist.
    if sender.label != "api":
        return
    from switchboard.accounts.roles import sync_role_groups

    sync_role_groups()
