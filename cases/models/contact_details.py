"""The contact details a case came with, kept on the case (SPEC §8).

The case links to one record of the single contact base (`Case.contact`), but what an API
client sent with the case stays here, as sent: the case's notices go to this e-mail, and a
client without ``contacts:read`` is shown these details (masked), never the base's. The base
changes only through staff or a client with ``contacts:write`` (``contacts.services``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.details import DETAIL_FIELDS, ContactDetails

CASE_FIELDS = {name: f"contact_{name}" for name in DETAIL_FIELDS}


class CaseContactDetails(models.Model):
    contact_given_names = models.CharField(_("nombre(s) del caso"), max_length=120, blank=True)
    contact_first_surname = models.CharField(
        _("primer apellido del caso"), max_length=120, blank=True
    )
    contact_second_surname = models.CharField(
        _("segundo apellido del caso"), max_length=120, blank=True
    )
    contact_type = models.CharField(_("tipo de contacto del caso"), max_length=20, blank=True)
    contact_nss = models.CharField(_("NSS del caso"), max_length=11, blank=True)
    contact_curp = models.CharField(_("CURP del caso"), max_length=18, blank=True)
    contact_rfc = models.CharField(_("RFC del caso"), max_length=13, blank=True)
    contact_email = models.EmailField(_("correo del caso"), blank=True)
    contact_phone = models.CharField(_("teléfono del caso"), max_length=20, blank=True)

    class Meta:
        abstract = True

    @property
    def contact_as_sent(self) -> ContactDetails:
        return ContactDetails(
            **{name: getattr(self, column) for name, column in CASE_FIELDS.items()}
        )

    def contact_details_set(self, details: ContactDetails) -> None:
        for name, column in CASE_FIELDS.items():
            setattr(self, column, getattr(details, name))

    @property
    def notice_email(self) -> str:
        """Where the citizen's notices about this case go: the case's own e-mail ("" for none)."""
        if getattr(self, "anonymous", False) or getattr(self, "contact_id", None) is None:
            return ""
        # An address not confirmed yet may be someone else's: it gets only the confirmation.
        if getattr(self, "awaiting_email_confirmation", False):
            return ""
        return self.contact_email.strip()
