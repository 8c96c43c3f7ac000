from django.urls import path

from switchboard.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("<int:contact_id>/", views.contact_detail, name="detail"),
    path("<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path("<int:contact_id>/notes/", views.add_note, name="add_note"),
    path("<int:contact_id>/merge/", views.merge, name="merge"),
    path("imports/", views.contact_list, name="import_list"),
]
