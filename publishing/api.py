"""Publishing API under /api/v1/brands/<brand_id>/: thin views over services and selectors.

Reads need Action.VIEW, writes Action.EDIT_POSTS (BrandScopedMixin); objects of another brand
are 404 because every lookup goes through the brand the mixin resolved.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiError, BrandScopedMixin
from publishing import selectors, serializers
from publishing.models import Post, PublishJob
from publishing.services import media as media_services
from publishing.services import posts as post_services
from publishing.services import review as review_services
from publishing.services.posts import PublishingError
from tenancy.permissions import Action


@contextmanager
def api_errors():
    try:
        yield
    except PublishingError as error:
        details = error.details or ({error.field: [error.message]} if error.field else None)
        raise ApiError(error.code, error.message, error.status, details) from None


class _PostMixin(BrandScopedMixin):
    def get_post(self, post_id) -> Post:
        try:
            return selectors.post_get(brand=self.brand, post_id=post_id)
        except Post.DoesNotExist:
            raise Http404 from None

    def post_response(self, post_id, code=status.HTTP_200_OK) -> Response:
        return Response(serializers.PostOutput(self.get_post(post_id)).data, status=code)


class PostList(_PostMixin, generics.GenericAPIView):
    serializer_class = serializers.PostOutput

    def get_queryset(self):
        return selectors.posts_for_brand(brand=self.brand)

    @extend_schema(responses=serializers.PostOutput(many=True))
    def get(self, request, brand_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(serializers.PostOutput(page, many=True).data)

    @extend_schema(request=serializers.PostInput, responses={201: serializers.PostOutput})
    def post(self, request, brand_id):
        data = serializers.PostInput(data=request.data)
        data.is_valid(raise_exception=True)
        with api_errors():
            post = post_services.post_create(
                brand=self.brand, author=request.user, request=request, **data.validated_data
            )
        return self.post_response(post.pk, status.HTTP_201_CREATED)


class PostDetail(_PostMixin, APIView):
    @extend_schema(responses=serializers.PostOutput)
    def get(self, request, brand_id, post_id):
        return self.post_response(post_id)

    @extend_schema(request=serializers.PostEditInput, responses=serializers.PostOutput)
    def patch(self, request, brand_id, post_id):
        post = self.get_post(post_id)
        data = serializers.PostEditInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        scheduled_at = changes.pop("scheduled_at", None)
        with api_errors():
            if changes:
                post_services.post_update(post=post, actor=request.user, request=request, **changes)
            if scheduled_at is not None:
                post_services.post_schedule(
                    post=post, scheduled_at=scheduled_at, actor=request.user, request=request
                )
        return self.post_response(post_id)

    @extend_schema(responses={204: None})
    def delete(self, request, brand_id, post_id):
        with api_errors():
            post_services.post_delete(
                post=self.get_post(post_id), actor=request.user, request=request
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostAction(_PostMixin, APIView):
    """POST-only actions on a post: publish now, cancel, retry failed targets."""

    action_name = ""
    services = {
        "publish": post_services.post_publish_now,
        "cancel": post_services.post_cancel,
        "retry": post_services.post_retry,
        "approve": review_services.post_approve,
        "reject": review_services.post_reject,
    }

    def initial(self, request, *args, **kwargs):
        # Approving held content is a policy decision: admins and owners only.
        if self.action_name in ("approve", "reject"):
            self.write_action = Action.MANAGE_POLICY
        super().initial(request, *args, **kwargs)

    @extend_schema(request=None, responses=serializers.PostOutput)
    def post(self, request, brand_id, post_id):
        post = self.get_post(post_id)
        with api_errors():
            self.services[self.action_name](post=post, actor=request.user, request=request)
        return self.post_response(post_id)


class JobList(BrandScopedMixin, generics.ListAPIView):
    serializer_class = serializers.JobSummary

    def get_queryset(self):
        filters = serializers.JobFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        return selectors.jobs_for_brand(
            brand=self.brand,
            status=f.get("status"),
            platform=f.get("platform"),
            connection_id=f.get("connection"),
            since=f.get("since"),
            until=f.get("until"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("platform", str),
            OpenApiParameter("connection", int),
            OpenApiParameter("since", str, description="ISO 8601 with offset"),
            OpenApiParameter("until", str, description="ISO 8601 with offset"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _JobMixin(BrandScopedMixin):
    def get_job(self, job_id) -> PublishJob:
        try:
            return selectors.job_get(brand=self.brand, job_id=job_id)
        except PublishJob.DoesNotExist:
            raise Http404 from None


class JobDetail(_JobMixin, APIView):
    @extend_schema(responses=serializers.JobDetail)
    def get(self, request, brand_id, job_id):
        return Response(serializers.JobDetail(self.get_job(job_id)).data)


class JobAction(_JobMixin, APIView):
    action_name = ""
    services = {"cancel": post_services.job_cancel, "retry": post_services.job_retry}

    @extend_schema(request=None, responses=serializers.JobDetail)
    def post(self, request, brand_id, job_id):
        job = self.get_job(job_id)
        with api_errors():
            self.services[self.action_name](job=job, actor=request.user, request=request)
        return Response(serializers.JobDetail(self.get_job(job_id)).data)


class MediaList(BrandScopedMixin, generics.ListAPIView):
    serializer_class = serializers.MediaOutput
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.media_for_brand(brand=self.brand)

    @extend_schema(request=serializers.MediaInput, responses={201: serializers.MediaOutput})
    def post(self, request, brand_id):
        data = serializers.MediaInput(data=request.data)
        data.is_valid(raise_exception=True)
        with api_errors():
            asset = media_services.media_create(
                brand=self.brand, actor=request.user, request=request, **data.validated_data
            )
        return Response(serializers.MediaOutput(asset).data, status=status.HTTP_201_CREATED)
