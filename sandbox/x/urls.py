from django.urls import path

from sandbox.x import oauth

urlpatterns = [
    path("i/oauth2/authorize", oauth.authorize),
    path("2/oauth2/token", oauth.token),
    path("2/oauth2/revoke", oauth.revoke),
    path("2/users/me", oauth.users_me),
]
