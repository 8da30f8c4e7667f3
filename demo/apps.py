from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data: `seed_demo` and `generate_history`. Installed by the local and test settings
    only; production does not have these commands."""

    name = "demo"
    verbose_name = _("Datos de demostración")
