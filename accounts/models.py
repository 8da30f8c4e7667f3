"""Who acts: staff users (through their profile) and the institute's systems (API clients)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.models import TimeStampedModel


class Role(models.TextChoices):
    AGENT = "agent", _("Asesor")
    AREA_STAFF = "area_staff", _("Personal de área")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrador")


class SupervisorScope(models.TextChoices):
    NONE = "", _("Sin alcance de supervisión")
    OFFICE = "office", _("Una oficina")
    DELEGACION = "delegacion", _("Una delegación y sus Cesi")
    DIRECTORATE = "directorate", _("Una dirección")
    NATIONAL = "national", _("Nacional")


class UserProfile(TimeStampedModel):
    """A staff member's role and where they work; it decides what they may see (SPEC §9)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("usuario"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(
        "channels.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("oficina"),
    )
    area = models.ForeignKey(
        "catalog.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("área"),
    )
    directorate = models.ForeignKey(
        "catalog.Directorate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("dirección"),
    )
    supervisor_scope = models.CharField(
        _("alcance de supervisión"), max_length=20, choices=SupervisorScope.choices, blank=True
    )
    can_view_sealed_identity = models.BooleanField(
        _("puede ver la identidad de denunciantes anónimos"),
        default=False,
        help_text=_("Rol dedicado de integridad: sólo estas personas ven la identidad reservada."),
    )

    class Meta:
        verbose_name = _("perfil de usuario")
        verbose_name_plural = _("perfiles de usuario")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["agent", "area_staff", "supervisor", "admin"]),
                name="profile_role_valid",
            ),
            models.CheckConstraint(
                condition=~Q(role="agent") | Q(office__isnull=False),
                name="profile_agent_has_office",
            ),
            models.CheckConstraint(
                condition=~Q(role="area_staff") | Q(area__isnull=False),
                name="profile_area_staff_has_area",
            ),
            models.CheckConstraint(
                condition=(Q(role="supervisor") & ~Q(supervisor_scope=""))
                | (~Q(role="supervisor") & Q(supervisor_scope="")),
                name="profile_supervisor_scope_iff_supervisor",
            ),
            models.CheckConstraint(
                condition=~Q(supervisor_scope__in=["office", "delegacion"])
                | Q(office__isnull=False),
                name="profile_office_scope_has_office",
            ),
            models.CheckConstraint(
                condition=~Q(supervisor_scope="directorate") | Q(directorate__isnull=False),
                name="profile_directorate_scope_has_directorate",
            ),
        ]
        indexes = [models.Index(fields=["area", "role"], name="profile_area_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ApiClient(TimeStampedModel):
    """Another institute system. Its key is shown once; only a SHA-256 digest is stored.

    The key has 256 bits of entropy, so a fast digest is enough (no password stretching needed);
    `key_prefix` finds the row and the digest is compared in constant time.
    """

    name = models.CharField(_("nombre"), max_length=120, unique=True)
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("canal"),
    )
    key_prefix = models.CharField(_("prefijo de la llave"), max_length=12, unique=True)
    key_digest = models.CharField(_("huella de la llave"), max_length=64)
    scopes = models.JSONField(_("alcances"), default=list)
    active = models.BooleanField(_("activo"), default=True)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)

    class Meta:
        verbose_name = _("cliente de la API")
        verbose_name_plural = _("clientes de la API")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_digest__regex=r"^[0-9a-f]{64}$"), name="api_client_digest_sha256"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class SealedRoleGrantStatus(models.TextChoices):
    PROPOSED = "proposed", _("Propuesta")
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")
    REVOKED = "revoked", _("Revocada")


class SealedRoleGrant(models.Model):
    """A two-person grant of the integrity role (SPEC §9) and its record.

    One administrator proposes it for another user, a second one approves it; nobody approves
    their own proposal and nobody takes part in a grant for themselves. Only approval sets
    ``UserProfile.can_view_sealed_identity`` and only revocation clears it
    (``accounts.sealed_role``). The row keeps who did each step and when; it is never deleted.
    """

    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sealed_role_grants",
        verbose_name=_("para el usuario"),
    )
    status = models.CharField(
        _("estado"),
        max_length=10,
        choices=SealedRoleGrantStatus.choices,
        default=SealedRoleGrantStatus.PROPOSED,
    )
    reason = models.TextField(_("motivo"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("propuesto por"),
    )
    proposed_at = models.DateTimeField(_("propuesto el"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aprobado por"),
    )
    approved_at = models.DateTimeField(_("aprobado el"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rechazado por"),
    )
    rejected_at = models.DateTimeField(_("rechazado el"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revocado por"),
    )
    revoked_at = models.DateTimeField(_("revocado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("concesión del rol de integridad")
        verbose_name_plural = _("concesiones del rol de integridad")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # The database keeps the two-person rule even against a write that skips the service.
            models.CheckConstraint(
                condition=~Q(proposed_by=F("for_user")), name="sealed_grant_not_self_proposed"
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (~Q(approved_by=F("proposed_by")) & ~Q(approved_by=F("for_user"))),
                name="sealed_grant_two_people",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status="proposed",
                        approved_by__isnull=True,
                        rejected_by__isnull=True,
                        revoked_by__isnull=True,
                    )
                    | Q(
                        status="approved",
                        approved_by__isnull=False,
                        approved_at__isnull=False,
                        revoked_by__isnull=True,
                    )
                    | Q(
                        status="rejected",
                        approved_by__isnull=True,
                        rejected_by__isnull=False,
                        rejected_at__isnull=False,
                    )
                    | Q(
                        status="revoked",
                        approved_by__isnull=False,
                        revoked_by__isnull=False,
                        revoked_at__isnull=False,
                    )
                ),
                name="sealed_grant_status_matches_steps",
            ),
            models.UniqueConstraint(
                fields=["for_user"],
                condition=Q(status__in=["proposed", "approved"]),
                name="sealed_grant_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.for_user} ({self.get_status_display()})"
