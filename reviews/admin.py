"""Reviews and reply templates in the admin: reviews are read-only (they mirror the platform;
replies go through the API so they are checked and audited); templates are editable."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from reviews.models import ResponseTemplate, Review
from reviews.services import templates


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "id", "brand", "location", "rating", "sentiment", "reviewer_name", "reviewed_at",
        "replied",
    )  # fmt: skip
    list_filter = ("rating", "sentiment", "platform", "brand")
    search_fields = ("text", "reviewer_name", "reply_text", "platform_review_id")
    date_hierarchy = "reviewed_at"
    list_select_related = ("brand", "connection")
    readonly_fields = [f.name for f in Review._meta.fields]

    @admin.display(description="Location")
    def location(self, review: Review) -> str:
        return review.connection.display_name

    @admin.display(boolean=True, description="Replied")
    def replied(self, review: Review) -> bool:
        return review.replied

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ResponseTemplate
        fields = ("brand", "name", "min_rating", "max_rating", "body")

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            templates.check_body(body)
        except templates.TemplateError as error:
            raise forms.ValidationError(error.message) from None
        return body


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    """Saved through the template services, so admin edits are audited like API ones."""

    form = TemplateForm
    list_display = ("name", "brand", "min_rating", "max_rating", "usage_count", "updated_at")
    list_filter = ("brand", "min_rating", "max_rating")
    search_fields = ("name", "body")
    readonly_fields = ("usage_count", "created_by", "created_at", "updated_at")
    list_select_related = ("brand",)

    def save_model(self, request, obj, form, change) -> None:
        fields = {k: form.cleaned_data[k] for k in ("name", "min_rating", "max_rating", "body")}
        if change:
            templates.template_update(template=obj, actor=request.user, request=request, **fields)
        else:
            created = templates.template_create(
                brand=form.cleaned_data["brand"], actor=request.user, request=request, **fields
            )
            obj.pk = created.pk
