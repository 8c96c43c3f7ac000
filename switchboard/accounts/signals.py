from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_role_groups(sender, **kwargs):
    # Each app's permissions exist by now (auth's own post_migrate handler ran first).
    from switchboard.accounts.roles import sync_role_groups

    sync_role_groups()
