from django.contrib import admin

from switchboard.orders.models import Order, OrderLine, OrderStatusChange


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("sku", "name", "quantity", "unit_price", "discount", "total")
    readonly_fields = fields


class StatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "note", "author")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-mostly: totals, stock and history change through the order actions, not here."""

    list_display = ("number", "contact", "status", "total", "currency", "created_by", "created_at")
    list_filter = ("status", "delivery_method", "payment_method")
    search_fields = ("number", "contact__display_name")
    list_select_related = ("contact", "created_by")
    readonly_fields = (
        "number",
        "contact",
        "call",
        "status",
        "currency",
        "subtotal",
        "discount",
        "total",
        "promotions",
        "promo_code",
        "cancel_reason",
        "created_by",
        "created_at",
        "updated_at",
        "confirmed_at",
    )
    fields = (
        readonly_fields[:3]
        + ("delivery_address", "delivery_method", "payment_method", "notes")
        + readonly_fields[3:]
    )
    inlines = [OrderLineInline, StatusChangeInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ("order", "sku", "quantity", "unit_price", "discount", "total")
    search_fields = ("order__number", "sku")
    list_select_related = ("order",)
    readonly_fields = (
        "order",
        "product",
        "sku",
        "name",
        "quantity",
        "unit_price",
        "discount",
        "total",
        "promotions",
        "position",
    )

    def has_add_permission(self, request):
        return False


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("order", "from_status", "to_status", "author", "at")
    list_filter = ("to_status",)
    search_fields = ("order__number",)
    list_select_related = ("order", "author")
    readonly_fields = ("order", "from_status", "to_status", "note", "author", "at")

    def has_add_permission(self, request):
        return False
