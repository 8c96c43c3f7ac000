"""Who may see or change a contact: the one place that decides, for views and the API alike."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from switchboard.contacts.models import Contact


def get_contact_for_user(user, contact_id: int, *, perm: str = "contacts.view_contact") -> Contact:
    """The contact, if `user` holds `perm`; Http404 for a missing one, PermissionDenied otherwise.

    A merged contact is returned as it is (its `merged_into` says where it went), so a
    view can redirect an old link instead of showing a 404.
    """
    if not user.is_authenticated or not user.has_perm(perm):
        raise PermissionDenied
    try:
        return Contact.objects.select_related("owner", "merged_into").get(pk=contact_id)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def contacts_for_user(user):
    """The contacts `user` may list. Every role that can view contacts sees the shared base."""
    if not user.is_authenticated or not user.has_perm("contacts.view_contact"):
        raise PermissionDenied
    return Contact.objects.active()


def check_can_import(user) -> None:
    """Importing contacts is for supervisors and admins: PermissionDenied for anyone else."""
    if not user.is_authenticated or not user.has_perm("contacts.import_contacts"):
        raise PermissionDenied


def check_can_export(user) -> None:
    """Exporting the base is for supervisors and admins: agents cannot take the list away."""
    if not user.is_authenticated or not user.has_perm("contacts.export_contacts"):
        raise PermissionDenied


def get_import_job_for_user(user, job_id: int):
    """An import job, if `user` may import; Http404 for a missing one."""
    from switchboard.contacts.models import ImportJob

    check_can_import(user)
    try:
        return ImportJob.objects.select_related("created_by").get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
