from django.apps import AppConfig
from django.core.signals import request_finished, request_started

from .request_stamps import stamps_clear


class CoreConfig(AppConfig):
    name = "infonavit_atencion.core"
    label = "core"
    verbose_name = "Núcleo"

    def ready(self) -> None:
        # A stamp never outlives the request that read it (request_stamps).
        request_started.connect(stamps_clear, dispatch_uid="core.stamps_clear.started")
        request_finished.connect(stamps_clear, dispatch_uid="core.stamps_clear.finished")
