from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from switchboard.accounts.actions import do_issue_api_token
from switchboard.accounts.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user and print it; it is shown this once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. “PBX screen pop”.")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(_("No user “%(username)s”.") % {"username": username}) from None
        if not user.is_active:
            raise CommandError(_("User “%(username)s” is inactive.") % {"username": username})
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError(_("Give the token a name of at most 100 characters."))
        token = do_issue_api_token(user, name)
        self.stderr.write(
            _("Token “%(name)s” for %(username)s (shown once):")
            % {"name": name, "username": username}
        )
        self.stdout.write(token)
