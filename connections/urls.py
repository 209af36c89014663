from django.urls import path

from connections import views

app_name = "connections"

urlpatterns = [
    path("brands/<id:brand_id>/connections/", views.connection_list, name="list"),
    path(
        "brands/<id:brand_id>/connections/connect/<slug:platform>/",
        views.connection_start,
        name="start",
    ),
    path(
        "brands/<id:brand_id>/connections/choose/<id:state_id>/",
        views.oauth_select,
        name="select",
    ),
    path("brands/<id:brand_id>/connections/bulk/", views.connection_bulk, name="bulk"),
    path(
        "brands/<id:brand_id>/connections/<id:connection_id>/<str:action>/",
        views.connection_action,
        name="action",
    ),
    # One fixed redirect URI per platform (registered with the platform); the brand comes from
    # the server-side state.
    path(
        "connections/oauth/<slug:platform>/callback/", views.oauth_callback, name="oauth_callback"
    ),
]
