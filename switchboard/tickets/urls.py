from django.urls import path

from switchboard.tickets import panel, views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_create, name="create"),
    path("notifications/read/", views.read_notifications, name="read_notifications"),
    path("<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("<int:ticket_id>/status/", views.ticket_status, name="status"),
    path("<int:ticket_id>/notes/", views.ticket_note, name="note"),
    path("<int:ticket_id>/forward/", views.ticket_forward, name="forward"),
    path("<int:ticket_id>/assign/", views.ticket_assign, name="assign"),
    path("panel/", panel.panel, name="panel"),
    path("panel/new/", panel.panel_create, name="panel_create"),
    path("panel/<int:ticket_id>/resolve/", panel.panel_resolve, name="panel_resolve"),
    path("panel/<int:ticket_id>/forward/", panel.panel_forward, name="panel_forward"),
]
