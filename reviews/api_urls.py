"""Reviews API routes under /api/v1/ (issue 7)."""

from django.urls import path

from reviews import api

R = "brands/<id:brand_id>/reviews/"

urlpatterns = [
    path(R, api.ReviewList.as_view(), name="api-review-list"),
    path(R + "templates/", api.TemplateList.as_view(), name="api-review-template-list"),
    path(
        R + "templates/<id:template_id>/",
        api.TemplateDetail.as_view(),
        name="api-review-template-detail",
    ),
    path(R + "<id:review_id>/", api.ReviewDetail.as_view(), name="api-review-detail"),
    path(R + "<id:review_id>/reply/", api.ReviewReply.as_view(), name="api-review-reply"),
]
