from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from switchboard.catalog.models import Category, CompanyInfo, Product, Promotion


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_bn", "position")
    search_fields = ("code", "name_en", "name_bn")
    prepopulated_fields = {"code": ("name_en",)}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name_en", "name_bn", "category", "price", "unit", "stock", "active")
    list_filter = ("active", "kind", "category")
    search_fields = ("sku", "name_en", "name_bn")
    list_select_related = ("category",)
    readonly_fields = ("created_at", "updated_at")
    show_full_result_count = False


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = (
        "name_en",
        "kind",
        "value",
        "scope",
        "code",
        "starts_at",
        "ends_at",
        "priority",
        "stackable",
        "active",
    )
    list_filter = ("active", "kind", "scope", "stackable")
    search_fields = ("name_en", "name_bn", "code")
    autocomplete_fields = ("products",)
    filter_horizontal = ("categories", "segment_tags")
    fieldsets = (
        (None, {"fields": ("name_en", "name_bn", "description_en", "description_bn", "active")}),
        (_("Discount"), {"fields": ("kind", "value", "buy_quantity", "pay_quantity")}),
        (_("Applies to"), {"fields": ("scope", "products", "categories", "min_order_total")}),
        (
            _("Who and when"),
            {"fields": ("code", "segment_tags", "starts_at", "ends_at", "priority", "stackable")},
        ),
    )


@admin.register(CompanyInfo)
class CompanyInfoAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_bn", "section", "position", "updated_at")
    list_filter = ("section",)
    list_editable = ("position",)
