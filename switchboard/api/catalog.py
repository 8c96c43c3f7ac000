"""/api/catalog: product search, and the promotions running now (for everyone or one contact)."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from switchboard.api.contacts import INPUT_ERRORS, ErrorOut
from switchboard.catalog.access import check_can_view, products_for_user
from switchboard.catalog.models import Product
from switchboard.catalog.promotions import contact_tags, live_promotions, promotions_for_tags
from switchboard.catalog.search import search_products
from switchboard.contacts.access import get_contact_for_user

router = Router(tags=["catalog"])

MAX_LIMIT = 200


class ProductOut(Schema):
    id: int
    sku: str
    kind: str
    category: str | None = Field(description="The category's code.")
    name_en: str
    name_bn: str
    description_en: str
    description_bn: str
    unit: str
    price: Decimal
    currency: str
    active: bool
    stock: int | None = Field(description="Null when the stock is not counted.")

    @staticmethod
    def resolve_category(obj) -> str | None:
        return obj.category.code if obj.category_id else None

    @staticmethod
    def resolve_currency(obj) -> str:
        from django.conf import settings

        return settings.SWITCHBOARD["CURRENCY"]


class ProductPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ProductOut]


class ProductFilters(Schema):
    q: str = Field("", description="A part of the SKU or of a name, in English or Bengali.")
    category: str = Field("", description="A category code.")
    include_inactive: bool = False
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class PromotionOut(Schema):
    id: int
    name_en: str
    name_bn: str
    kind: str = Field(description="percent, fixed or n_for_m.")
    value: Decimal
    buy_quantity: int
    pay_quantity: int
    scope: str = Field(description="products, categories or order.")
    products: list[str] = Field(description="SKUs.")
    categories: list[str] = Field(description="Category codes.")
    min_order_total: Decimal | None
    code: str
    segment_tags: list[str]
    starts_at: datetime | None
    ends_at: datetime | None
    priority: int
    stackable: bool

    @staticmethod
    def resolve_products(obj) -> list[str]:
        return [p.sku for p in obj.products.all()]

    @staticmethod
    def resolve_categories(obj) -> list[str]:
        return [c.code for c in obj.categories.all()]

    @staticmethod
    def resolve_segment_tags(obj) -> list[str]:
        return [t.name for t in obj.segment_tags.all()]


ERRORS = {401: ErrorOut, 403: ErrorOut}


@router.get("/products", response={200: ProductPage, **INPUT_ERRORS}, summary="Search products")
def list_products(request, filters: Query[ProductFilters]):
    """Products on sale whose SKU or name holds every word of `q`; the exact SKU first."""
    queryset = search_products(products_for_user(request.user), filters.q)
    if not filters.include_inactive:
        queryset = queryset.filter(active=True)
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    total = queryset.count()
    items = list(queryset[filters.offset : filters.offset + filters.limit])
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get(
    "/products/{sku}",
    response={200: ProductOut, 404: ErrorOut, **ERRORS},
    summary="Read a product by SKU",
)
def get_product(request, sku: str):
    from django.http import Http404

    try:
        return products_for_user(request.user).get(sku=sku.strip().upper())
    except Product.DoesNotExist:
        raise Http404 from None


@router.get(
    "/promotions",
    response={200: list[PromotionOut], 404: ErrorOut, **ERRORS},
    summary="Promotions running now",
)
def list_promotions(
    request,
    contact: int | None = Query(None, description="Only those open to this contact (by its tags)."),
):
    """Every promotion running now; with `contact`, only those open to that contact
    (no segment, or one of its tags). Coded promotions are listed with their code."""
    check_can_view(request.user, "catalog.view_promotion")
    if contact is None:
        return list(live_promotions())
    found = get_contact_for_user(request.user, contact)
    return promotions_for_tags(contact_tags(found))
