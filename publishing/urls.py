from django.urls import path

from publishing import views

urlpatterns = [
    path("brands/<int:brand_id>/posts/", views.post_list, name="post_list"),
    # MEDIA_URL ("media/") + the stored name ("media/<random>.jpg").
    path("media/<path:name>", views.media_file, name="media_file"),
]
