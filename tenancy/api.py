from django.db.models import F
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiError, BrandScopedMixin
from tenancy import services
from tenancy.permissions import Action
from tenancy.selectors import brands_for_user, memberships_for_brand
from tenancy.serializers import BrandSerializer, MembershipInputSerializer, MembershipSerializer


class BrandList(generics.ListAPIView):
    """The brands you are a member of, with your role in each."""

    serializer_class = BrandSerializer

    def get_queryset(self):
        return brands_for_user(user=self.request.user).annotate(current_role=F("memberships__role"))


class BrandDetail(BrandScopedMixin, APIView):
    @extend_schema(responses=BrandSerializer)
    def get(self, request, brand_id):
        return Response(BrandSerializer(self.brand).data)


class MemberList(BrandScopedMixin, APIView):
    """Members of a brand. Everyone in the brand may read; only owners add or change."""

    write_action = Action.MANAGE_MEMBERS

    @extend_schema(responses=MembershipSerializer(many=True))
    def get(self, request, brand_id):
        members = memberships_for_brand(brand=self.brand)
        return Response(MembershipSerializer(members, many=True).data)

    @extend_schema(request=MembershipInputSerializer, responses=MembershipSerializer)
    def post(self, request, brand_id):
        data = MembershipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            membership = services.membership_set(
                brand=self.brand, actor=request.user, request=request, **data.validated_data
            )
        except services.MembershipError as exc:
            raise ApiError("membership_invalid", str(exc)) from exc
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetail(BrandScopedMixin, APIView):
    write_action = Action.MANAGE_MEMBERS

    @extend_schema(responses={204: None})
    def delete(self, request, brand_id, membership_id):
        membership = get_object_or_404(memberships_for_brand(brand=self.brand), pk=membership_id)
        try:
            services.membership_remove(membership=membership, actor=request.user, request=request)
        except services.MembershipError as exc:
            raise ApiError("membership_invalid", str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
