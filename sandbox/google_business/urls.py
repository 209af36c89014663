from django.urls import path

from sandbox.google_business import oauth

urlpatterns = [
    path("o/oauth2/v2/auth", oauth.auth),
    path("token", oauth.token),
    path("revoke", oauth.revoke),
    path("userinfo", oauth.userinfo),
    path("accountmanagement/v1/accounts", oauth.accounts),
    path("businessinformation/v1/accounts/<str:account>/locations", oauth.locations),
]
