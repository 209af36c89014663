from django.urls import path

from publishing import composer, views

urlpatterns = [
    path("brands/<id:brand_id>/posts/", views.post_list, name="post_list"),
    path("brands/<id:brand_id>/posts/new/", composer.post_new, name="post_new"),
    path("brands/<id:brand_id>/posts/<id:post_id>/edit/", composer.post_edit, name="post_edit"),
    path(
        "brands/<id:brand_id>/posts/<id:post_id>/<slug:action>/",
        composer.post_action,
        name="post_action",
    ),
    path(
        "brands/<id:brand_id>/jobs/<id:job_id>/<slug:action>/",
        composer.job_action,
        name="job_action",
    ),
    # MEDIA_URL ("media/") + the stored name ("media/<random>.jpg").
    path("media/<path:name>", views.media_file, name="media_file"),
]
