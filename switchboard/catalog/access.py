"""Who may read the catalog and import it: the one place that decides."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from switchboard.catalog.models import Product


def products_for_user(user):
    if not user.is_authenticated or not user.has_perm("catalog.view_product"):
        raise PermissionDenied
    return Product.objects.select_related("category")


def get_product_for_user(user, product_id: int) -> Product:
    try:
        return products_for_user(user).get(pk=product_id)
    except (Product.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def check_can_view(user, perm: str) -> None:
    if not user.is_authenticated or not user.has_perm(perm):
        raise PermissionDenied


def check_can_import(user) -> None:
    check_can_view(user, "catalog.import_catalog")
