"""Admin pages for import jobs and their refused rows (imported from contacts/admin.py)."""

from django.contrib import admin

from switchboard.contacts.models import ImportJob, ImportRowError


class ImportRowErrorInline(admin.TabularInline):
    model = ImportRowError
    fields = ("line", "reason", "row")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "status",
        "duplicate_policy",
        "processed_rows",
        "created_count",
        "updated_count",
        "skipped_count",
        "error_count",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "duplicate_policy", "file_format")
    search_fields = ("original_name", "sha256", "source")
    readonly_fields = (
        "sha256",
        "file_format",
        "encoding",
        "headers",
        "total_rows",
        "processed_rows",
        "created_count",
        "updated_count",
        "skipped_count",
        "error_count",
        "failure",
        "created_at",
        "started_at",
        "finished_at",
    )
    raw_id_fields = ("created_by",)
    inlines = [ImportRowErrorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(ImportRowError)
class ImportRowErrorAdmin(admin.ModelAdmin):
    list_display = ("job", "line", "reason")
    list_select_related = ("job",)
    search_fields = ("reason",)
    raw_id_fields = ("job",)
