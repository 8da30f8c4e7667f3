"""Idempotency keys of case intake (SPEC §8, §10): a retry never creates a second case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` an API client (or a browser user) sent with `POST cases/`.

    The case is created and the row written with its answer, once, in one transaction
    (`cases.services.idempotency`, issue 17). A retry with the same key waits for that
    transaction, rolls its own intake back and replays the stored answer; a retry with another
    body is refused. A failed attempt leaves no row. (A row without an answer, reserved by an
    older server, is taken over.)
    """

    client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sistema"),
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usuario"),
        db_index=False,
    )
    key = models.CharField(_("llave"), max_length=255)
    request_fingerprint = models.CharField(
        _("huella de la solicitud"), max_length=64, help_text=_("SHA-256 del cuerpo canónico.")
    )
    response_status = models.PositiveSmallIntegerField(_("estado HTTP"), null=True, blank=True)
    # The answer as JSON text, not a JSON column: PostgreSQL's jsonb would reorder its keys, and
    # a replay must answer exactly the same body.
    response_body = models.TextField(_("respuesta (JSON)"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caso"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("reservada"))

    class Meta:
        verbose_name = _("llave de idempotencia")
        verbose_name_plural = _("llaves de idempotencia")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"],
                condition=Q(client__isnull=False),
                name="idempotency_key_unique_per_client",
            ),
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=Q(user__isnull=False),
                name="idempotency_key_unique_per_user",
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=True, user__isnull=False)
                | Q(client__isnull=False, user__isnull=True),
                name="idempotency_key_single_owner",
            ),
            models.CheckConstraint(
                condition=Q(response_status__isnull=True) | ~Q(response_body=""),
                name="idempotency_key_answer_complete",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return self.key
