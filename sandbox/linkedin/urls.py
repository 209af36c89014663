from django.urls import path

from sandbox.linkedin import oauth, publish, videos

urlpatterns = [
    path("oauth/v2/authorization", oauth.authorization),
    path("oauth/v2/accessToken", oauth.access_token),
    path("oauth/v2/revoke", oauth.revoke),
    path("api/v2/userinfo", oauth.userinfo),
    path("api/rest/organizationAcls", oauth.organization_acls),
    path("api/rest/organizations/<str:org_id>", oauth.organization),
    path("api/rest/posts", publish.posts),
    path("api/rest/posts/<str:post_urn>", publish.post_get),
    path("api/rest/images", publish.images),
    path("api/rest/images/<str:image_urn>", publish.image_get),
    # LinkedIn's upload host (www.linkedin.com/dms-uploads/…) in real life.
    path(
        "dms-uploads/<str:image_id>/uploaded-image/0",
        publish.image_upload,
        name="sandbox-linkedin-image-upload",
    ),
    path("api/rest/videos", videos.videos),  # ?action=initializeUpload | finalizeUpload
    path("api/rest/videos/<str:video_urn>", videos.video_get),
    path(
        "dms-uploads/<str:video_id>/uploaded-video/<int:part>",
        videos.upload_part,
        name="sandbox-linkedin-video-upload",
    ),
]
