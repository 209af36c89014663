from django.apps import AppConfig


class SandboxPublishedConfig(AppConfig):
    name = "sandbox.published"
    label = "sandbox_published"
    verbose_name = "Sandbox: published posts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sandbox.published import faults  # noqa: F401  (registers the publish fault kinds)
