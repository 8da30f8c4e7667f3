from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Casos")

    def ready(self) -> None:
        # Django's idiom: the tasks module needs the app registry, so it is imported here.
        from .catalog_cache import catalog_stamp_register
        from .tasks import calendar_change_port_register

        calendar_change_port_register()
        catalog_stamp_register()
