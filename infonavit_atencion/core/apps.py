from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "infonavit_atencion.core"
    label = "core"
    verbose_name = "Núcleo"
