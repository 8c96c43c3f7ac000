from django.urls import path

from switchboard.scripts import views

app_name = "scripts"
urlpatterns = [
    path("", views.script_list, name="list"),
    path("adherence/", views.adherence, name="adherence"),
    path("panel/", views.panel, name="panel"),
    path("panel/runs/<int:run_id>/step/", views.panel_step, name="panel_step"),
    path("panel/runs/<int:run_id>/close/", views.panel_close, name="panel_close"),
]
