from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Agent intake in the browser: find or create the contact, pick the service, register."""

    name = "intake"
    verbose_name = _("Registro de casos")
