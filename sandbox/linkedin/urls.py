from django.urls import path

from sandbox.linkedin import oauth

urlpatterns = [
    path("oauth/v2/authorization", oauth.authorization),
    path("oauth/v2/accessToken", oauth.access_token),
    path("oauth/v2/revoke", oauth.revoke),
    path("api/v2/userinfo", oauth.userinfo),
    path("api/rest/organizationAcls", oauth.organization_acls),
    path("api/rest/organizations/<str:org_id>", oauth.organization),
]
