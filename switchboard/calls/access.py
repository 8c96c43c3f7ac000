"""Who may see a call: its agent, and anyone who watches the floor."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from switchboard.calls.models import Call


def get_call_for_user(user, call_id) -> Call:
    if not user.is_authenticated or not user.has_perm("calls.view_call"):
        raise PermissionDenied
    try:
        call = Call.objects.select_related("queue", "contact", "agent", "disposition").get(
            pk=call_id
        )
    except (Call.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if call.agent_id != user.pk and not user.has_perm("acd.view_floor"):
        raise PermissionDenied
    return call
