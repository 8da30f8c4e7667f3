from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from cases.ports import case_event_publisher_register  # imports no model: safe before ready()

from .subscription_stamp import subscription_stamp_register  # imports no model either


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Avisos a otros sistemas (webhooks)")

    def ready(self) -> None:
        # Every case event the cases app publishes becomes outbox deliveries, in its transaction.
        case_event_publisher_register("webhooks.services.webhook_events_record")
        # "Anything subscribed?" rides on a token request's client look-up (issue 17).
        subscription_stamp_register()
