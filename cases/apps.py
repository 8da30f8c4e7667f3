from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Both safe before the app registry is ready: they import no model.
from channels.ports import CalendarChangePort, calendar_change_port_set

from .catalog_stamp import catalog_stamp_register

# What a calendar change does to the open cases (channels' port; looked up when first used).
CALENDAR_CHANGE_PORT = CalendarChangePort(
    preview_path="cases.sla.repair.calendar_change_preview",
    repair_path="cases.sla.repair.calendar_change_repair",
)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Casos")

    def ready(self) -> None:
        calendar_change_port_set(CALENDAR_CHANGE_PORT)
        catalog_stamp_register()
