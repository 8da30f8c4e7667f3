from django.apps import AppConfig


class WebConfig(AppConfig):
    """The browser application for staff and the citizen's public pages."""

    name = "web"
    verbose_name = "Aplicación web"
