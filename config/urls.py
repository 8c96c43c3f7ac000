from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from switchboard.api.urls import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="contacts:list"), name="home"),
    path("accounts/", include("switchboard.accounts.urls")),
    path("contacts/", include("switchboard.contacts.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
