from django.urls import path

from sandbox.facebook import oauth

urlpatterns = [
    path("dialog/oauth", oauth.dialog),
    path("graph/oauth/access_token", oauth.access_token),
    path("graph/me/permissions", oauth.me_permissions),
    path("graph/me/accounts", oauth.me_accounts),
    path("graph/me", oauth.me),
]
