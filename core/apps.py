from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core.health import ensure_runtime_folders

        ensure_runtime_folders()
