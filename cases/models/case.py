"""The case: one queja, denuncia or request, from intake to closing, with its SLA snapshot."""

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.models import CaseKind, SlaUnit
from infonavit_atencion.core.models import FastLoadModel

from ..limits import SUBJECT_MAX_LENGTH
from .contact_details import CaseContactDetails


class CaseStatus(models.TextChoices):
    NEW = "new", _("Nuevo")
    ASSIGNED = "assigned", _("Asignado")
    IN_PROGRESS = "in_progress", _("En atención")
    WAITING = "waiting", _("En espera del ciudadano")
    RESOLVED = "resolved", _("Resuelto")
    CLOSED = "closed", _("Cerrado")
    CANCELLED = "cancelled", _("Cancelado")


OPEN_STATUSES = ("new", "assigned", "in_progress", "waiting")


class Priority(models.IntegerChoices):
    # Stored as a rank so that ordering by priority is meaningful; the API speaks the names.
    LOW = 1, _("Baja")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("Alta")
    URGENT = 4, _("Urgente")


PRIORITY_NAMES = {1: "low", 2: "normal", 3: "high", 4: "urgent"}


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("En tiempo")
    AT_RISK = "at_risk", _("En riesgo")
    BREACHED = "breached", _("Vencido")
    MET = "met", _("Cumplido")
    PAUSED = "paused", _("En pausa")


class FolioField(models.CharField):
    """The folio, read back from the INSERT that writes it (``RETURNING``): on PostgreSQL
    intake hands that INSERT an expression taking the number from the sequence, so the
    number costs no round trip of its own (issue 17, ``cases.folios.folio_for_insert``).
    Deconstructs as a plain CharField: nothing in the schema changes."""

    @property
    def db_returning(self) -> bool:
        return bool(connection.features.can_return_columns_from_insert)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class Case(FastLoadModel, CaseContactDetails):
    # Foreign keys carry db_index=False where a composite index in Meta starts with the same
    # column (or, for the SLA snapshot's policy and calendar, where only rare admin deletes
    # would look them up): every index is paid on each write, and cases are written often.
    folio = FolioField(_("folio"), max_length=24, unique=True)
    # Secret the citizen uses to look the case up; shown only when the case is created.
    tracking_code = models.CharField(_("código de seguimiento"), max_length=16)
    kind = models.CharField(_("tipo"), max_length=20, choices=CaseKind.choices)
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("servicio"),
        db_index=False,
    )
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("canal"),
        db_index=False,
    )
    office = models.ForeignKey(
        "channels.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("oficina"),
        db_index=False,
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("contacto"),
        db_index=False,
    )
    anonymous = models.BooleanField(_("denuncia anónima"), default=False)
    # Identity an anonymous reporter chose to give; sealed to the dedicated integrity role.
    sealed_reporter_identity = models.TextField(_("identidad reservada"), blank=True)
    # Filed on the public portal and held until the person confirms their e-mail address: not
    # routed, no notice sent (cases.services.filing). Unconfirmed ones are cancelled later.
    awaiting_email_confirmation = models.BooleanField(
        _("correo por confirmar"), default=False, db_default=False
    )
    subject = models.CharField(_("asunto"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    description = models.TextField(_("descripción"))
    priority = models.PositiveSmallIntegerField(
        _("prioridad"), choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("estado"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    directorate = models.ForeignKey(
        "catalog.Directorate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("dirección"),
        db_index=False,
    )
    area = models.ForeignKey(
        "catalog.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("área"),
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("responsable"),
        db_index=False,
    )
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_cases",
        verbose_name=_("registrado por"),
    )
    created_by_client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_cases",
        verbose_name=_("registrado por sistema"),
        db_index=False,
    )
    # NULL where absent so that uniqueness per client ignores cases without one.
    external_reference = models.CharField(  # noqa: DJ001
        _("referencia externa"), max_length=100, null=True, blank=True
    )
    instrument_reference = models.CharField(
        _("resolución, dictamen o recomendación"),
        max_length=200,
        blank=True,
        help_text=_("Obligatorio para casos no previstos."),
    )
    received_at = models.DateTimeField(_("recibido"))
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)
    routed_at = models.DateTimeField(_("turnado"), null=True, blank=True)
    resolution = models.TextField(_("resolución"), blank=True)
    resolved_at = models.DateTimeField(_("resuelto"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrado"), null=True, blank=True)

    # --- SLA snapshot: the targets and calendar the case was created with (SPEC §6) ---------
    sla_policy = models.ForeignKey(
        "catalog.SlaPolicy",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("política de servicio"),
        db_index=False,
    )
    sla_calendar = models.ForeignKey(
        "channels.BusinessCalendar",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("calendario del plazo"),
        db_index=False,
    )
    sla_first_response_value = models.PositiveIntegerField(null=True, blank=True)
    sla_first_response_unit = models.CharField(max_length=20, choices=SlaUnit.choices, blank=True)
    sla_resolution_value = models.PositiveIntegerField()
    sla_resolution_unit = models.CharField(max_length=20, choices=SlaUnit.choices)
    sla_warn_pct = models.PositiveSmallIntegerField(default=75)
    # The one extension the policy allows (in the resolution's unit; null: none) and when it
    # was granted (the `extend` action; null: not extended).
    sla_extension_value = models.PositiveIntegerField(null=True, blank=True)
    sla_extended_at = models.DateTimeField(_("plazo ampliado"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(
        _("vence primera respuesta"), null=True, blank=True
    )
    resolution_due_at = models.DateTimeField(_("vence resolución"))
    warn_at = models.DateTimeField(_("alerta"))
    first_response_at = models.DateTimeField(_("primera respuesta"), null=True, blank=True)
    paused_at = models.DateTimeField(_("en espera desde"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("tiempo en espera (s)"), default=0)
    paused_open_seconds = models.PositiveIntegerField(_("tiempo hábil en espera (s)"), default=0)
    sla_state = models.CharField(
        _("estado del plazo"), max_length=20, choices=SlaState.choices, default=SlaState.ON_TRACK
    )

    transfer_count = models.PositiveIntegerField(_("transferencias"), default=0)
    reopen_count = models.PositiveIntegerField(_("reaperturas"), default=0)
    version = models.PositiveIntegerField(_("versión"), default=1)

    class Meta:
        verbose_name = _("caso")
        verbose_name_plural = _("casos")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by_client", "external_reference"],
                condition=Q(external_reference__isnull=False, created_by_client__isnull=False),
                name="case_external_reference_unique_per_client",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in CaseKind]), name="case_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CaseStatus]), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=4), name="case_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(sla_state__in=[s.value for s in SlaState]), name="case_sla_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(sla_resolution_unit__in=[u.value for u in SlaUnit]),
                name="case_sla_unit_valid",
            ),
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(kind="report", anonymous=True),
                name="case_contact_required_unless_anonymous_report",
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(kind="report"), name="case_only_reports_anonymous"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"])
                | (Q(resolved_at__isnull=False) & ~Q(resolution="")),
                name="case_resolved_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", paused_at__isnull=False)
                | (~Q(status="waiting") & Q(paused_at__isnull=True)),
                name="case_waiting_iff_paused",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "cancelled"])
                | Q(directorate__isnull=False, area__isnull=False),
                name="case_routed_has_area",
            ),
            models.CheckConstraint(
                condition=Q(created_by_user__isnull=True) | Q(created_by_client__isnull=True),
                name="case_single_creator",
            ),
            models.CheckConstraint(
                condition=~Q(kind="exceptional") | ~Q(instrument_reference=""),
                name="case_exceptional_has_instrument",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="case_version_positive"),
            models.CheckConstraint(
                condition=Q(warn_at__lte=F("resolution_due_at")), name="case_warn_before_due"
            ),
            models.CheckConstraint(
                condition=Q(resolution_due_at__gte=F("received_at")), name="case_due_after_received"
            ),
            models.CheckConstraint(condition=~Q(description=""), name="case_description_required"),
        ]
        indexes = [
            # Default list order and keyset pagination.
            models.Index(F("received_at").desc(), F("id").desc(), name="case_received_idx"),
            # The same order over the cases being worked (lists such as
            # `status=assigned,in_progress`): a page deep in the list no longer steps over the
            # closed cases around it, nor the first page over the newest, not yet routed ones.
            # New cases are not in it, so intake does not write it.
            models.Index(
                F("received_at").desc(),
                F("id").desc(),
                condition=Q(status__in=["assigned", "in_progress", "waiting"]),
                name="case_working_received_idx",
            ),
            models.Index(F("created_at").desc(), F("id").desc(), name="case_created_idx"),
            models.Index(fields=["status", "received_at"], name="case_status_received_idx"),
            # Any list ordered by due instant (`ordering=resolution_due_at` over every status).
            models.Index(fields=["resolution_due_at", "id"], name="case_due_idx"),
            # The same order over the open cases only: the browser's work queues ("Mi área",
            # "Vencidos"…) filter on the open statuses, and walking `case_due_idx` instead
            # steps over every closed case that fell due before the first open one.
            models.Index(
                fields=["resolution_due_at", "id"],
                condition=Q(status__in=list(OPEN_STATUSES)),
                name="case_open_due_idx",
            ),
            models.Index(
                fields=["area", "status", "resolution_due_at"], name="case_area_queue_idx"
            ),
            models.Index(fields=["office", "status", "received_at"], name="case_office_queue_idx"),
            models.Index(
                fields=["assignee", "status", "resolution_due_at"], name="case_assignee_queue_idx"
            ),
            models.Index(fields=["directorate", "status"], name="case_directorate_status_idx"),
            models.Index(fields=["service", "received_at"], name="case_service_received_idx"),
            models.Index(fields=["channel", "received_at"], name="case_channel_received_idx"),
            models.Index(
                fields=["created_by_client", "received_at"], name="case_client_received_idx"
            ),
            models.Index(fields=["contact", "status"], name="case_contact_status_idx"),
            models.Index(fields=["external_reference"], name="case_external_ref_idx"),
            # Supervisors' and administrators' search by tracking code (cases.selectors.search);
            # written once, when the case is created. The full-text indexes of the search are
            # PostgreSQL expressions, created in migration 0017.
            models.Index(fields=["tracking_code"], name="case_tracking_code_idx"),
            # The SLA monitor scans the running cases by instant. `sla_state` is in no index
            # (nor index predicate), so its flip by the monitor is a HOT update: no index
            # entry is written (ADR 0010).
            models.Index(
                fields=["warn_at"],
                condition=Q(status__in=["assigned", "in_progress", "new"]),
                name="case_running_warn_idx",
            ),
            models.Index(
                fields=["resolution_due_at"],
                condition=Q(status__in=["assigned", "in_progress", "new"]),
                name="case_running_due_idx",
            ),
            # Sweeper for cases whose routing message was lost; auto-close of resolved cases.
            models.Index(
                fields=["created_at"], condition=Q(status="new"), name="case_unrouted_idx"
            ),
            models.Index(
                fields=["resolved_at"], condition=Q(status="resolved"), name="case_resolved_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.folio

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def priority_name(self) -> str:
        return PRIORITY_NAMES[self.priority]


class FolioCounter(models.Model):
    """Race-free folio numbers on databases without sequences (SQLite).

    On PostgreSQL folios come from the sequence `cases_folio_seq` instead; see cases/folios.py.
    """

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("contador de folios")
        verbose_name_plural = _("contadores de folios")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
