from django.urls import path

from switchboard.contacts import import_views, views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("<int:contact_id>/", views.contact_detail, name="detail"),
    path("<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path("<int:contact_id>/notes/", views.add_note, name="add_note"),
    path("<int:contact_id>/merge/", views.merge, name="merge"),
    path("export.csv", import_views.export_csv, name="export_csv"),
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_upload, name="import_upload"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/status/", import_views.import_status, name="import_status"),
    path(
        "imports/<int:job_id>/errors.csv", import_views.import_errors_csv, name="import_errors_csv"
    ),
]
