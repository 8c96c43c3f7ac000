from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The main navigation, filtered by what the user may open. Later apps add their entries."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, perm in NAV_ITEMS:
        if perm is None or user.has_perm(perm):
            url = reverse(url_name)
            items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    if user.is_staff:
        items.append({"label": _("Admin"), "url": reverse("admin:index"), "active": False})
    return {"nav_items": items}


NAV_ITEMS: list[tuple] = [
    (_("Desk"), "acd:desk", "acd.use_desk"),
    (_("Floor"), "acd:floor", "acd.view_floor"),
    (_("Wallboard"), "acd:wallboard", "acd.view_floor"),
    (_("Contacts"), "contacts:list", "contacts.view_contact"),
    (_("Imports"), "contacts:import_list", "contacts.import_contacts"),
    (_("Catalog"), "catalog:search", "catalog.view_product"),
    (_("Promotions"), "catalog:promotions", "catalog.view_promotion"),
    (_("Company"), "catalog:company", "catalog.view_companyinfo"),
    (_("Orders"), "orders:list", "orders.view_order"),
]
