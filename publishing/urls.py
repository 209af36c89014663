from django.urls import path

from publishing import views

urlpatterns = [
    path("brands/<int:brand_id>/posts/", views.post_list, name="post_list"),
]
