from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "channels"
    verbose_name = _("Canales, oficinas y calendarios")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system check (Django's idiom)
