from django.contrib import admin
from django.urls import include, path

from switchboard.accounts.views import home
from switchboard.api.urls import api

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("switchboard.accounts.urls")),
    path("contacts/", include("switchboard.contacts.urls")),
    path("calls/", include("switchboard.calls.urls")),
    path("", include("switchboard.acd.urls")),
    path("catalog/", include("switchboard.catalog.urls")),
    path("orders/", include("switchboard.orders.urls")),
    path("tickets/", include("switchboard.tickets.urls")),
    path("kb/", include("switchboard.kb.urls")),
    path("scripts/", include("switchboard.scripts.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
