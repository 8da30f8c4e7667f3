from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArcoConfig(AppConfig):
    """Answers to ARCO access requests; an app for its admin action, it has no models."""

    name = "arco"
    verbose_name = _("Derechos ARCO")
