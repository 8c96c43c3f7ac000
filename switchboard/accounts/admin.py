from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from switchboard.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Preferences"), {"fields": ("language", "time_zone")}),
    )
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "language")
    list_filter = ("is_active", "is_staff", "groups", "language")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)
