from django.urls import path

from publishing import api

B = "brands/<id:brand_id>/"

urlpatterns = [
    path(B + "posts/", api.PostList.as_view(), name="api-post-list"),
    path(B + "posts/<id:post_id>/", api.PostDetail.as_view(), name="api-post-detail"),
    *[
        path(
            B + f"posts/<id:post_id>/{name}/",
            api.PostAction.as_view(action_name=name),
            name=f"api-post-{name}",
        )
        for name in ("publish", "cancel", "retry", "approve", "reject")
    ],
    path(B + "jobs/", api.JobList.as_view(), name="api-job-list"),
    path(B + "jobs/<id:job_id>/", api.JobDetail.as_view(), name="api-job-detail"),
    *[
        path(
            B + f"jobs/<id:job_id>/{name}/",
            api.JobAction.as_view(action_name=name),
            name=f"api-job-{name}",
        )
        for name in ("cancel", "retry")
    ],
    path(B + "media/", api.MediaList.as_view(), name="api-media-list"),
]
