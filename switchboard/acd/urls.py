from django.urls import path

from switchboard.acd import views

app_name = "acd"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/originate/", views.originate, name="originate"),
    path("desk/calls/<uuid:call_id>/pop/", views.screen_pop, name="pop"),
    path("desk/calls/<uuid:call_id>/contact/", views.create_caller_contact, name="pop_contact"),
    path("desk/calls/<uuid:call_id>/disposition/", views.disposition_form, name="disposition"),
    path(
        "desk/calls/<uuid:call_id>/disposition/save/",
        views.save_disposition,
        name="save_disposition",
    ),
    path("floor/", views.floor_view, name="floor"),
    path("floor/wallboard/", views.wallboard, name="wallboard"),
]
