"""Saved views of the work queues (issue 19 item 9): a queue and its filters under a name."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 60
QUERY_MAX_LENGTH = 1000


class SavedView(models.Model):
    """A person's named queue filters. `query` is the filters' query string, checked by
    `cases.selectors.filters.CaseFilterSet` when saved and again when used; a supervisor may
    share a view with one area, whose staff then see it read-only."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("dueño"),
        db_index=False,  # the unique (owner, name) index serves it
    )
    name = models.CharField(_("nombre"), max_length=NAME_MAX_LENGTH)
    queue = models.CharField(_("bandeja"), max_length=20)
    query = models.CharField(_("filtros"), max_length=QUERY_MAX_LENGTH, blank=True)
    shared_with_area = models.ForeignKey(
        "catalog.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shared_views",
        verbose_name=_("compartida con el área"),
    )
    created_at = models.DateTimeField(_("creada el"))

    class Meta:
        verbose_name = _("vista guardada")
        verbose_name_plural = _("vistas guardadas")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_owner_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name
