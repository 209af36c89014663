from django.urls import path

from validation import api

urlpatterns = [
    path("brands/<id:brand_id>/validate", api.Validate.as_view(), name="api-validate"),
]
