from django.apps import AppConfig
from django.core.checks import Tags, register
from django.utils.translation import gettext_lazy as _

from .checks import next_year_notice_check


class ChannelsConfig(AppConfig):
    name = "channels"
    verbose_name = _("Canales, oficinas y calendarios")

    def ready(self) -> None:
        register(next_year_notice_check, Tags.database)
