"""Staff edit brand policies and compliance packs here; validation runs are read-only.
Saves go through validation.services so they are validated, audited and the policy cache
is dropped."""

import json

from django.contrib import admin

from validation import services
from validation.models import BrandPolicy, CompliancePack, ValidationRun


@admin.register(BrandPolicy)
class BrandPolicyAdmin(admin.ModelAdmin):
    list_display = ("brand", "toxicity_review", "toxicity_block", "compliance_packs", "updated_at")
    search_fields = ("brand__name", "brand__tenant__name")
    list_select_related = ("brand",)
    raw_id_fields = ("brand",)

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.POLICY_FIELDS}
        saved = services.policy_update(
            brand=obj.brand, actor=request.user, request=request, **fields
        )
        obj.pk = saved.pk


@admin.register(CompliancePack)
class CompliancePackAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "version", "is_active", "updated_at")
    list_filter = ("slug", "is_active")
    search_fields = ("name", "slug", "description")
    save_as = True  # "Save as new" is how staff publish a new version

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from validation.selectors import forget_policy

        forget_policy()  # every brand using this pack must see the change


@admin.register(ValidationRun)
class ValidationRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "brand", "outcome", "post_id", "actor", "short_hash")
    list_filter = ("outcome",)
    search_fields = ("content_hash", "brand__name")
    list_select_related = ("brand", "actor")
    readonly_fields = ("findings_pretty",)
    exclude = ("findings",)

    @admin.display(description="content hash")
    def short_hash(self, obj):
        return obj.content_hash[:12]

    @admin.display(description="findings")
    def findings_pretty(self, obj):
        return json.dumps(obj.findings, indent=2, ensure_ascii=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
