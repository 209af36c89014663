"""Websocket routes, one list for the whole project."""

from django.urls import path

from publishing.consumers import JobEventsConsumer

websocket_urlpatterns: list = [
    path("ws/brands/<id:brand_id>/jobs/", JobEventsConsumer.as_asgi()),
]
