from django.urls import path

from switchboard.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("imports/", views.contact_list, name="import_list"),
]
