from rest_framework import serializers

from validation.findings import Rule, Severity
from validation.limits import PLATFORM_SLUGS
from validation.types import MEDIA_KINDS

MAX_BATCH = 1000


class MediaSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=MEDIA_KINDS)
    mime = serializers.CharField(max_length=100, required=False, default="")
    width = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    height = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    size_bytes = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None
    )
    duration_s = serializers.FloatField(min_value=0, required=False, allow_null=True, default=None)


class ValidateInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=100_000)
    platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=PLATFORM_SLUGS), min_length=1, max_length=5
    )
    media = MediaSerializer(many=True, required=False, default=list)
    link = serializers.URLField(required=False, allow_null=True, default=None, max_length=2000)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    text_overrides = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=100_000),
        required=False,
        default=dict,
    )
    thread = serializers.BooleanField(required=False, default=False)
    autofix = serializers.BooleanField(required=False, default=False)

    def validate_text_overrides(self, value):
        unknown = set(value) - set(PLATFORM_SLUGS)
        if unknown:
            raise serializers.ValidationError(f"Unknown platforms: {', '.join(sorted(unknown))}.")
        return value


class FindingSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=[r.value for r in Rule])
    severity = serializers.ChoiceField(choices=[s.value for s in Severity])
    field = serializers.CharField()
    message = serializers.CharField()
    suggestion = serializers.CharField()
    span = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class FixSerializer(serializers.Serializer):
    rule = serializers.CharField()
    description = serializers.CharField()


class PlatformReportSerializer(serializers.Serializer):
    length = serializers.IntegerField(help_text="The platform's own count (weighted for X).")
    max_length = serializers.IntegerField()
    ok = serializers.BooleanField()
    findings = FindingSerializer(many=True)
    fixed_text = serializers.CharField(allow_null=True)
    fixes = FixSerializer(many=True)
    parts = serializers.ListField(child=serializers.CharField(), allow_null=True)
    unfixable = serializers.ListField(child=serializers.CharField())


class ValidationReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="No error findings: publishable.")
    needs_review = serializers.BooleanField(help_text="Needs a brand admin's approval.")
    findings = FindingSerializer(many=True)
    platforms = serializers.DictField(child=PlatformReportSerializer())
