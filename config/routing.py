"""WebSocket routes of every app, gathered in one place."""

from django.urls import path

from switchboard.acd.consumers import DeskConsumer

websocket_urlpatterns = [
    path("ws/desk/", DeskConsumer.as_asgi()),
]
