import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from tenancy.models import Brand, Tenant
from tenancy.services import brand_create, tenant_create

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the demo tenant, 'Demo Brand' and an admin user; reuse them if they exist."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    @transaction.atomic
    def handle(self, url, **options):
        password_file = settings.VAR_DIR / "demo-admin-password"
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(USERNAME, "admin@example.com", password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password)
            password_file.chmod(0o600)
        password = password_file.read_text().strip()

        tenant = Tenant.objects.filter(slug="demo").first() or tenant_create(
            name="Demo Tenant", slug="demo"
        )
        if not Brand.objects.filter(tenant=tenant, slug="demo-brand").exists():
            brand_create(
                tenant=tenant,
                name="Demo Brand",
                slug="demo-brand",
                timezone="Europe/London",
                owner=user,
            )
        self.stdout.write(
            f"\n  Brandpost is starting at {url}\n"
            f"  Log in as {USERNAME} / {password}  (admin: {url}/admin/)\n"
        )
