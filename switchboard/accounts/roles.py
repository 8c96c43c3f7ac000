"""What each role may do: the one table of permissions, synced into Django groups.

Views and the API never test group names; they ask `user.has_perm(...)` or the
`get_<noun>_for_user` helper of the noun, and this table decides.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from switchboard.accounts.models import Role

AGENT_PERMISSIONS = [
    "contacts.view_contact",
    "contacts.add_contact",
    "contacts.change_contact",
    "contacts.add_activity",
    "contacts.view_activity",
    "acd.use_desk",
    "calls.view_call",
    "catalog.view_category",
    "catalog.view_product",
    "catalog.view_promotion",
    "catalog.view_companyinfo",
    "orders.view_order",
    "orders.add_order",
    "orders.cancel_own_order",
]
SUPERVISOR_PERMISSIONS = AGENT_PERMISSIONS + [
    "contacts.delete_contact",
    "contacts.export_contacts",
    "contacts.import_contacts",
    "contacts.merge_contacts",
    "contacts.view_importjob",
    "accounts.view_user",
    "acd.view_floor",
    "acd.manage_floor",
    "catalog.import_catalog",
    "orders.change_order",
    "orders.cancel_order",
]
# Administrators are superusers in practice; the group exists so the role can be granted in admin.
ADMIN_PERMISSIONS = SUPERVISOR_PERMISSIONS + [
    "accounts.add_user",
    "accounts.change_user",
    "accounts.delete_user",
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_category",
    "catalog.change_category",
    "catalog.add_promotion",
    "catalog.change_promotion",
    "catalog.delete_promotion",
    "catalog.add_companyinfo",
    "catalog.change_companyinfo",
    "catalog.delete_companyinfo",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.AGENT: AGENT_PERMISSIONS,
    Role.SUPERVISOR: SUPERVISOR_PERMISSIONS,
    Role.ADMIN: ADMIN_PERMISSIONS,
}


def _permissions(codenames: list[str]) -> list[Permission]:
    wanted = {tuple(c.split(".")) for c in codenames}
    found = Permission.objects.filter(
        content_type__app_label__in={a for a, _ in wanted}, codename__in={c for _, c in wanted}
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


@transaction.atomic
def sync_role_groups() -> None:
    """Create the role groups and give them exactly the permissions of the table.

    Runs after each app migrates; a permission whose app has not migrated yet is
    picked up by a later run.
    """
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(codenames))


def register_role_permissions(codename_lists: dict[Role, list[str]]) -> None:
    """Let a later app (acd, orders, tickets ...) add its permissions to the roles."""
    for role, codenames in codename_lists.items():
        for codename in codenames:
            if codename not in ROLE_PERMISSIONS[role]:
                ROLE_PERMISSIONS[role].append(codename)
