"""WebSocket routes of every app, gathered in one place."""

from django.urls import path

from switchboard.acd.consumers import DeskConsumer, FloorConsumer

websocket_urlpatterns = [
    path("ws/desk/", DeskConsumer.as_asgi()),
    path("ws/floor/", FloorConsumer.as_asgi()),
]
