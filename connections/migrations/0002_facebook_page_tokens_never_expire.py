"""Facebook Page tokens obtained with a long-lived user token have no expiry: connections made
before this stored the user token's 60 days, and would pause when it passed. Drop that expiry
and let the sweep verify them instead (connections/providers/facebook/__init__.py)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def forget_page_token_expiry(apps, schema_editor):
    PlatformConnection = apps.get_model("connections", "PlatformConnection")
    pages = PlatformConnection.objects.filter(
        platform="facebook", status__in=["active", "expiring"]
    )
    pages.filter(status="expiring").update(status="active", last_error="")
    pages.update(token_expires_at=None, refresh_due_at=timezone.now() + timedelta(minutes=5))


class Migration(migrations.Migration):
    dependencies = [("connections", "0001_initial")]

    operations = [migrations.RunPython(forget_page_token_expiry, migrations.RunPython.noop)]
