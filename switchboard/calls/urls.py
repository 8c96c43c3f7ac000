from django.urls import path

from switchboard.calls import views

app_name = "calls"
urlpatterns = [
    path("<uuid:call_id>/", views.call_detail, name="detail"),
    path("recordings/<int:recording_id>/audio/", views.recording_audio, name="recording_audio"),
]
