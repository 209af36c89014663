from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core import converters
        from core.health import ensure_runtime_folders

        converters.register()  # before any URLconf is read

        ensure_runtime_folders()
