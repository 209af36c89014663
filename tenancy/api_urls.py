from django.urls import path

from tenancy import api

urlpatterns = [
    path("brands/", api.BrandList.as_view(), name="api-brand-list"),
    path("brands/<id:brand_id>/", api.BrandDetail.as_view(), name="api-brand-detail"),
    path("brands/<id:brand_id>/members/", api.MemberList.as_view(), name="api-member-list"),
    path(
        "brands/<id:brand_id>/members/<id:membership_id>/",
        api.MemberDetail.as_view(),
        name="api-member-detail",
    ),
]
