"""What the company sells, its promotions, and what operators tell callers about it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from switchboard.bilingual import BilingualName
from switchboard.core import pricing


def _in_language(en: str, bn: str) -> str:
    return bn if translation.get_language() == "bn" and bn else en


class Category(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class ProductKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    PAIR = "pair", _("pair")
    SET = "set", _("set")
    METRE = "metre", _("metre")
    KG = "kg", _("kg")
    LITRE = "litre", _("litre")
    PACK = "pack", _("pack")
    HOUR = "hour", _("hour")
    VISIT = "visit", _("visit")


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Product(models.Model):
    """A thing or a service for sale. `stock` None means the stock is not counted."""

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    kind = models.CharField(
        _("kind"), max_length=8, choices=ProductKind.choices, default=ProductKind.GOODS
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_bn = models.CharField(_("name (Bengali)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_bn = models.TextField(_("description (Bengali)"), blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    active = models.BooleanField(_("on sale"), default=True)
    stock = models.PositiveIntegerField(
        _("in stock"), null=True, blank=True, help_text=_("Leave empty when not counted.")
    )
    # SKU and both names, case-folded: the column the trigram index covers.
    search_text = models.CharField(max_length=500, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [("import_catalog", _("Can import the catalog from CSV"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="product_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_bn)

    @property
    def description(self) -> str:
        return _in_language(self.description_en, self.description_bn)

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0

    def save(self, *args, **kwargs):
        self.sku = normalize_sku(self.sku)
        self.search_text = product_search_text(self.sku, self.name_en, self.name_bn)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "sku"}
        super().save(*args, **kwargs)


def normalize_sku(sku: str) -> str:
    return (sku or "").strip().upper()


def product_search_text(sku: str, name_en: str, name_bn: str) -> str:
    return " ".join(filter(None, [sku, name_en, name_bn])).casefold()[:500]


class Promotion(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_bn = models.CharField(_("name (Bengali)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_bn = models.TextField(_("description (Bengali)"), blank=True)
    kind = models.CharField(
        _("discount"),
        max_length=8,
        choices=[
            (pricing.DiscountKind.PERCENT.value, _("Percent off")),
            (pricing.DiscountKind.FIXED.value, _("Fixed amount off")),
            (pricing.DiscountKind.N_FOR_M.value, _("N for the price of M")),
        ],
        default=pricing.DiscountKind.PERCENT.value,
    )
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        help_text=_(
            "The percentage, or the amount off each unit (off the order for an order promotion)."
        ),
    )
    buy_quantity = models.PositiveSmallIntegerField(_("take N"), default=0)
    pay_quantity = models.PositiveSmallIntegerField(_("pay for M"), default=0)
    scope = models.CharField(
        _("applies to"),
        max_length=12,
        choices=[
            (pricing.Scope.PRODUCTS.value, _("Chosen products")),
            (pricing.Scope.CATEGORIES.value, _("Chosen categories")),
            (pricing.Scope.ORDER.value, _("The whole order")),
        ],
        default=pricing.Scope.PRODUCTS.value,
    )
    products = models.ManyToManyField(
        Product, blank=True, related_name="promotions", verbose_name=_("products")
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="promotions", verbose_name=_("categories")
    )
    min_order_total = models.DecimalField(
        _("for orders of at least"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    code = models.CharField(
        _("promo code"), max_length=32, blank=True, help_text=_("Leave empty for everyone.")
    )
    segment_tags = models.ManyToManyField(
        "contacts.Tag",
        blank=True,
        related_name="promotions",
        verbose_name=_("only for contacts tagged"),
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0, help_text=_("Higher wins."))
    stackable = models.BooleanField(_("combines with other promotions"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-priority", "name_en"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        indexes = [models.Index(fields=["active", "ends_at"], name="promotion_live_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_bn)

    @property
    def description(self) -> str:
        return _in_language(self.description_en, self.description_bn)

    def clean(self):
        self.code = pricing.normalize_code(self.code)
        try:
            pricing.check_rule(self._rule(frozenset(), frozenset(), frozenset()))
        except pricing.InvalidRule as exc:
            raise ValidationError(
                _("This promotion cannot work: %(reason)s.") % {"reason": exc}
            ) from None

    def save(self, *args, **kwargs):
        self.code = pricing.normalize_code(self.code)
        super().save(*args, **kwargs)

    def is_live(self, now=None) -> bool:
        return self.active and pricing.in_window(self.to_rule(), now or timezone.now())

    def to_rule(self) -> pricing.Rule:
        """The pricer's view; reads products, categories and tags (prefetch them for lists)."""
        return self._rule(
            frozenset(p.sku for p in self.products.all()),
            frozenset(c.code for c in self.categories.all()),
            frozenset(t.name for t in self.segment_tags.all()),
        )

    def _rule(self, skus, categories, tags) -> pricing.Rule:
        return pricing.Rule(
            key=str(self.pk or 0),
            kind=pricing.DiscountKind(self.kind),
            scope=pricing.Scope(self.scope),
            value=self.value or Decimal(0),
            buy=self.buy_quantity,
            pay=self.pay_quantity,
            products=skus,
            categories=categories,
            min_subtotal=self.min_order_total,
            code=self.code,
            segments=tags,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            priority=self.priority,
            stackable=self.stackable,
        )


class CompanySection(models.TextChoices):
    ABOUT = "about", _("About us")
    SERVICES = "services", _("Services")
    HOURS = "hours", _("Opening hours")
    BRANCHES = "branches", _("Branches")
    DELIVERY = "delivery", _("Delivery and payment")
    TERMS = "terms", _("Terms")


class CompanyInfo(models.Model):
    """One section of the company page operators read from, in both languages."""

    section = models.CharField(
        _("section"), max_length=16, choices=CompanySection.choices, default=CompanySection.ABOUT
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_bn = models.CharField(_("title (Bengali)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"))
    body_bn = models.TextField(_("text (Bengali)"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(1000)]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("company information")
        verbose_name_plural = _("company information")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_bn)

    @property
    def body(self) -> str:
        return _in_language(self.body_en, self.body_bn)
