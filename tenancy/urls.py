from django.urls import path

from tenancy import views

urlpatterns = [
    path("", views.home, name="home"),
    path("brands/<id:brand_id>/", views.brand_detail, name="brand_detail"),
]
