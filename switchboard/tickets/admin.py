from django.contrib import admin

from switchboard.tickets.models import (
    Department,
    Notification,
    SlaPolicy,
    Ticket,
    TicketEvent,
    WorkingPeriod,
)


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_bn", "queue", "time_zone", "escalation_contact")
    search_fields = ("code", "name_en", "name_bn")
    filter_horizontal = ("members",)
    inlines = [WorkingPeriodInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("category", "severity", "resolve_within_minutes")
    list_filter = ("category", "severity")


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ("created_at", "kind", "from_status", "to_status", "text", "author")
    readonly_fields = fields
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "subject",
        "kind",
        "category",
        "severity",
        "status",
        "department",
        "assignee",
        "due_at",
        "escalated_at",
    )
    list_filter = ("status", "kind", "category", "severity", "department")
    search_fields = ("subject", "=id")
    raw_id_fields = ("contact", "call", "assignee", "created_by")
    list_select_related = ("department", "assignee")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = [TicketEventInline]


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "from_status", "to_status", "author", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("ticket", "author")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "ticket", "text", "created_at", "read_at")
    raw_id_fields = ("recipient", "ticket")
