"""The single contact base (base única de contactos)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Upper
from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.history import HistoricalRecords
from infonavit_atencion.core.models import TimeStampedModel

from .identifiers import curp_validator, nss_validator, rfc_validator
from .names import search_name

NAME_FIELDS = frozenset({"given_names", "first_surname", "second_surname"})

models.CharField.register_lookup(Length)


class Contact(TimeStampedModel):
    class Type(models.TextChoices):
        DERECHOHABIENTE = "derechohabiente", _("Derechohabiente")
        ACREDITADO = "acreditado", _("Acreditado")
        PATRON = "patron", _("Patrón")
        OTHER = "other", _("Otro")

    # Identifiers are stored normalised (upper case, no spaces) and are unique where present.
    # NULL (not "") where absent, so that the unique constraints ignore contacts without one.
    nss = models.CharField(  # noqa: DJ001
        _("NSS"), max_length=11, null=True, blank=True, validators=[nss_validator]
    )
    curp = models.CharField(  # noqa: DJ001
        _("CURP"), max_length=18, null=True, blank=True, validators=[curp_validator]
    )
    rfc = models.CharField(_("RFC"), max_length=13, blank=True, validators=[rfc_validator])
    given_names = models.CharField(_("nombre(s)"), max_length=120)
    first_surname = models.CharField(_("primer apellido"), max_length=120)
    second_surname = models.CharField(_("segundo apellido"), max_length=120, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    type = models.CharField(
        _("tipo"), max_length=20, choices=Type.choices, default=Type.DERECHOHABIENTE
    )
    consent_notifications = models.BooleanField(
        _("acepta avisos por correo o teléfono"), default=False
    )
    consent_survey = models.BooleanField(_("acepta encuestas de satisfacción"), default=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("fusionado en"),
    )
    # Surnames and names without accents, upper case, each word after a space (contacts.names):
    # what the name search compares and sorts by.
    search_name = models.CharField(max_length=400, blank=True, default="", editable=False)
    # Every change to the base, by whom (staff user; an API client in the change reason).
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("contacto")
        verbose_name_plural = _("contactos")
        ordering = ["first_surname", "second_surname", "given_names"]
        constraints = [
            models.UniqueConstraint(
                fields=["nss"], condition=Q(nss__isnull=False), name="contact_nss_unique"
            ),
            models.UniqueConstraint(
                fields=["curp"], condition=Q(curp__isnull=False), name="contact_curp_unique"
            ),
            models.CheckConstraint(
                condition=Q(nss__isnull=True) | Q(nss__regex=r"^[0-9]{11}$"),
                name="contact_nss_11_digits",
            ),
            models.CheckConstraint(
                condition=Q(curp__isnull=True) | Q(curp__length=18), name="contact_curp_18_chars"
            ),
            models.CheckConstraint(
                condition=Q(type__in=["derechohabiente", "acreditado", "patron", "other"]),
                name="contact_type_valid",
            ),
            models.CheckConstraint(
                condition=~Q(given_names=""), name="contact_given_names_required"
            ),
            models.CheckConstraint(
                condition=~Q(first_surname=""), name="contact_first_surname_required"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("id")),
                name="contact_not_merged_into_self",
            ),
        ]
        indexes = [
            models.Index(fields=["first_surname", "given_names"], name="contact_name_idx"),
            models.Index(fields=["rfc"], name="contact_rfc_idx"),
            # Who sent an inbound e-mail (`selectors.contacts_by_email`: `email__iexact`).
            models.Index(Upper("email"), name="contact_email_idx"),
        ]
        permissions = [
            (
                "export_contact_data",
                _("Puede exportar todos los datos de un contacto (derechos ARCO)"),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Keeps `search_name` in step with the names, also on a partial save of a name."""
        self.search_name_refresh()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and NAME_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def search_name_refresh(self) -> None:
        """`search_name` from the names as they are now (every write of a contact calls it)."""
        self.search_name = search_name(self.first_surname, self.second_surname, self.given_names)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)


class AccessReason(models.TextChoices):
    """Why personal data was shown whole (SPEC §9): the screen or channel of the view."""

    CASE_PAGE = "case_page", _("Ficha del caso")
    API = "api", _("API")
    ADMIN = "admin", _("Administración")
    EXPORT = "export", _("Exportación de datos personales")
    SEALED_IDENTITY = "sealed_identity", _("Identidad reservada de una denuncia")
    MERGE = "contact_merge", _("Combinación de contactos")


class ContactAccessLog(models.Model):
    """One view of personal data shown whole: who, when, which, why (SPEC §9).

    A contact's full (unmasked) record seen on a case page, through the API, in the
    administration or in a data export; or the sealed identity of an anonymous denuncia's
    reporter (then no contact, only the case). Append-only: written by the functions of
    :mod:`contacts.access`, never edited; the admin lists it read-only.
    """

    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        verbose_name=_("contacto"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usuario"),
    )
    api_client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sistema"),
        db_index=False,
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caso"),
        db_index=False,
    )
    reason = models.CharField(
        _("motivo"), max_length=20, choices=AccessReason.choices, default=AccessReason.CASE_PAGE
    )
    at = models.DateTimeField(_("momento"))
    # sha256 over this row's content and the previous row's hash: one chain over the whole log
    # in id order (infonavit_atencion.core.hashchain, ADR 0013); set by contacts.access.
    chain_hash = models.CharField(_("huella"), max_length=64, default="", editable=False)

    class Meta:
        verbose_name = _("consulta de datos personales")
        verbose_name_plural = _("consultas de datos personales")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, api_client__isnull=True)
                | Q(user__isnull=True, api_client__isnull=False),
                name="contact_access_single_actor",
            ),
            models.CheckConstraint(
                condition=Q(contact__isnull=False)
                | Q(reason="sealed_identity", case__isnull=False),
                name="contact_access_names_what",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=[r.value for r in AccessReason]),
                name="contact_access_reason_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["contact", "at"], name="contact_access_contact_idx"),
            models.Index(fields=["user", "at"], name="contact_access_user_idx"),
            models.Index(fields=["api_client", "at"], name="contact_access_client_idx"),
        ]

    def __str__(self) -> str:
        who = self.user_id if self.user_id is not None else f"api:{self.api_client_id}"
        what = self.contact_id if self.contact_id is not None else f"caso:{self.case_id}"
        return f"{who} → {what} @ {self.at.isoformat()}"


class ArcoRight(models.TextChoices):
    """The rights of a data subject over their personal data (derechos ARCO, LGPDPPSO)."""

    ACCESS = "access", _("Acceso")
    RECTIFICATION = "rectification", _("Rectificación")
    CANCELLATION = "cancellation", _("Cancelación")
    OPPOSITION = "opposition", _("Oposición")


class ArcoRequest(models.Model):
    """Which ARCO right a case of an ARCO service exercises; written with the case at intake.

    The titular is the case's contact; the legal term is the service's SLA policy
    (docs/adr/0011-arco-requests-and-personal-data-access.md).
    """

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="arco_request",
        verbose_name=_("caso"),
    )
    right = models.CharField(_("derecho ARCO"), max_length=20, choices=ArcoRight.choices)

    class Meta:
        verbose_name = _("solicitud de derechos ARCO")
        verbose_name_plural = _("solicitudes de derechos ARCO")
        constraints = [
            models.CheckConstraint(
                condition=Q(right__in=[r.value for r in ArcoRight]), name="arco_request_right_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_right_display()}"


class ContactMerge(models.Model):
    """One merge of a duplicate contact into another: who, when, why, what moved (issue 19).

    Written by ``cases.services.contacts.contact_merge`` in the merge's transaction; never
    edited. The contacts' own rows changed by the merge are in their history (simple-history)
    with this merge's reason; each moved case has its MERGED event. No identifier values are
    copied here: `taken` names the fields the kept contact took from the merged one.
    """

    source = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="merges_out",
        verbose_name=_("contacto combinado"),
    )
    target = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="merges_in",
        verbose_name=_("contacto conservado"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usuario"),
    )
    # An API client's name or "sistema" when no user merged.
    actor_label = models.CharField(_("quién"), max_length=200, blank=True)
    reason = models.TextField(_("motivo"), blank=True)
    at = models.DateTimeField(_("momento"))
    cases_moved = models.PositiveIntegerField(_("casos movidos"), default=0)
    taken = models.JSONField(_("datos tomados del contacto combinado"), default=list, blank=True)

    class Meta:
        verbose_name = _("combinación de contactos")
        verbose_name_plural = _("combinaciones de contactos")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="contact_merge_two_contacts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} @ {self.at.isoformat()}"
