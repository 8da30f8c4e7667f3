"""The intake form: shapes what the agent typed into a ``CaseInput``; the rules stay in ``case_create``.

Identifier fields run the same validators the contact base uses (``contacts.identifiers``) so
every identifier mistake shows at once; everything else is judged by ``case_create``, whose
field errors are put back beside the fields they name (:meth:`IntakeForm.add_application_error`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.limits import (
    DESCRIPTION_MAX_LENGTH,
    REPORTER_IDENTITY_MAX_LENGTH,
    RESOLUTION_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
)
from cases.models import Priority
from cases.services import CaseInput
from contacts.identifiers import curp_validator, nss_validator, rfc_validator
from contacts.models import ArcoRight, Contact
from contacts.services import ContactInput
from infonavit_atencion.core.errors import ApplicationError, FieldError

from .checks import friendly_message, intake_errors
from .selectors import intake_channels, intake_offices

PRIORITY_CHOICES = [
    ("normal", Priority.NORMAL.label),
    ("high", Priority.HIGH.label),
    ("urgent", Priority.URGENT.label),
    ("low", Priority.LOW.label),
]
CONTACT_FIELDS = (
    "nss",
    "curp",
    "rfc",
    "given_names",
    "first_surname",
    "second_surname",
    "email",
    "phone",
)
# case_create's error field names that differ from this form's.
_FIELD_ALIASES = {"contact.type": "contact_type", "contact": None}
# The inputs an htmx request about the service carries, so the panel it returns keeps them.
SERVICE_INCLUDE = (
    "#id_channel, #id_office, #id_service, #id_service_q, #id_contact_id, #id_anonymous, "
    "#id_sealed_reporter_identity, #id_resolution, #id_instrument_reference, #id_arco_right"
)
CONTACT_INCLUDE = (
    "#id_channel, #id_office, #id_service, #id_nss, #id_curp, #id_rfc, #id_given_names, "
    "#id_first_surname, #id_second_surname, #id_email, #id_phone, #id_contact_type"
)


class IntakeForm(forms.Form):
    contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    nss = forms.CharField(label=_("NSS"), required=False, max_length=20, validators=[nss_validator])
    curp = forms.CharField(
        label=_("CURP"), required=False, max_length=24, validators=[curp_validator]
    )
    rfc = forms.CharField(label=_("RFC"), required=False, max_length=20, validators=[rfc_validator])
    given_names = forms.CharField(label=_("Nombre(s)"), required=False, max_length=120)
    first_surname = forms.CharField(label=_("Primer apellido"), required=False, max_length=120)
    second_surname = forms.CharField(label=_("Segundo apellido"), required=False, max_length=120)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)
    phone = forms.CharField(label=_("Teléfono"), required=False, max_length=20)
    contact_type = forms.ChoiceField(
        label=_("Tipo de contacto"),
        choices=Contact.Type.choices,
        initial=Contact.Type.DERECHOHABIENTE,
        required=False,  # not shown when an existing contact is picked
    )
    anonymous = forms.BooleanField(label=_("Denuncia anónima"), required=False)
    sealed_reporter_identity = forms.CharField(
        label=_("Identidad reservada del denunciante (opcional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REPORTER_IDENTITY_MAX_LENGTH,
    )
    channel = forms.ChoiceField(label=_("Canal"))
    office = forms.ChoiceField(label=_("Oficina"), required=False)
    # Not a ChoiceField: whether a service is offered on the channel is case_create's rule,
    # and its message says so better than "choose a valid option".
    service = forms.CharField(label=_("Servicio"), required=False, widget=forms.Select)
    subject = forms.CharField(label=_("Asunto"), required=False, max_length=SUBJECT_MAX_LENGTH)
    description = forms.CharField(
        label=_("Descripción"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    priority = forms.ChoiceField(label=_("Prioridad"), choices=PRIORITY_CHOICES, initial="normal")
    instrument_reference = forms.CharField(
        label=_("Resolución, dictamen o recomendación que lo instruye"),
        required=False,
        max_length=200,
    )
    resolution = forms.CharField(
        label=_("Resolución en el primer contacto"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=RESOLUTION_MAX_LENGTH,
    )
    arco_right = forms.ChoiceField(
        label=_("Derecho que se ejerce"),
        choices=[("", _("— Elija el derecho ARCO —")), *ArcoRight.choices],
        required=False,  # required by case_create on ARCO services only
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Refusals about the contact as a whole, shown at the top of the contact section.
        self.contact_errors: list[str] = []
        offices = list(intake_offices(user))
        office_field: Any = self.fields["office"]
        office_field.choices = [("", _("— Sin oficina —")), *((o.code, o.name) for o in offices)]
        if len(offices) == 1:
            office_field.choices = [(offices[0].code, offices[0].name)]
        office_code = self.data.get("office") if self.is_bound else self.initial.get("office")
        office = next((o for o in offices if o.code == office_code), None)
        channel_field: Any = self.fields["channel"]
        channel_field.choices = [(c.code, c.name) for c in intake_channels(office)]
        self._decorate()

    def _decorate(self) -> None:
        """Bootstrap classes, feedback ids and the htmx calls of each input."""
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = "form-control"
            widget.attrs["aria-describedby"] = f"{name}-feedback"
        for kind in ("nss", "curp", "rfc"):
            self.fields[kind].widget.attrs.update(
                {
                    "hx-get": reverse("intake:identifier_check", args=[kind]),
                    "hx-trigger": "input changed delay:400ms, blur",
                    "hx-target": f"#{kind}-feedback",
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            )
        self.fields["nss"].widget.attrs["inputmode"] = "numeric"
        self.fields["curp"].widget.attrs["autocapitalize"] = "characters"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        panel = {"hx-include": SERVICE_INCLUDE, "hx-trigger": "change"}
        self.fields["channel"].widget.attrs.update(
            {"hx-get": reverse("intake:service_options"), "hx-target": "#service-picker", **panel}
        )
        # The service select's own call sits on its wrapper in the template (#service-picker):
        # a search replaces the select, and htmx wires new content only once it settles.
        self.fields["office"].widget.attrs.update(
            {
                "hx-get": reverse("intake:service_info"),
                "hx-target": "#service-info",
                "hx-swap": "outerHTML",
                **panel,
            }
        )

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field is not None and field in self.fields:
            attrs = self.fields[field].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"

    @property
    def refused(self) -> bool:
        """Whether anything is shown as an error (field, form or contact section)."""
        return bool(self.is_bound and (self.errors or self.contact_errors))

    def set_service_choices(self, services: list[tuple[str, str]]) -> None:
        """The picker's options; the chosen service stays listed even if a search hides it."""
        widget: Any = self.fields["service"].widget
        widget.choices = [("", _("— Elija un servicio —")), *services]

    def _contact_input(self, contact: Contact | None) -> ContactInput | None:
        data = self.cleaned_data
        typed = {name: (data.get(name) or "").strip() for name in CONTACT_FIELDS}
        if contact is not None:
            # The chosen record's identifiers win; typed ones only fill what it lacks.
            return ContactInput(
                given_names=contact.given_names,
                first_surname=contact.first_surname,
                second_surname=contact.second_surname,
                nss=contact.nss or typed["nss"] or None,
                curp=contact.curp or typed["curp"] or None,
                rfc=contact.rfc or typed["rfc"] or None,
                email=typed["email"],
                phone=typed["phone"],
                type=contact.type,
                contact_id=contact.pk,
            )
        if not any(typed.values()):
            return None
        return ContactInput(
            given_names=typed["given_names"],
            first_surname=typed["first_surname"],
            second_surname=typed["second_surname"],
            nss=typed["nss"] or None,
            curp=typed["curp"] or None,
            rfc=typed["rfc"] or None,
            email=typed["email"],
            phone=typed["phone"],
            type=data["contact_type"] or Contact.Type.DERECHOHABIENTE,
        )

    def case_input(self, contact: Contact | None) -> CaseInput:
        """What case_create receives; an anonymous denuncia carries no contact."""
        data = self.cleaned_data
        anonymous = bool(data["anonymous"])
        return CaseInput(
            service=data["service"],
            channel=data["channel"],
            office=data["office"] or None,
            contact=None if anonymous else self._contact_input(contact),
            anonymous=anonymous,
            sealed_reporter_identity=data["sealed_reporter_identity"],
            subject=data["subject"],
            description=data["description"],
            priority=data["priority"],
            instrument_reference=data["instrument_reference"],
            resolution=data["resolution"],
            arco_right=data["arco_right"],
        )

    def clean(self) -> dict[str, Any]:
        """Every mistake the form can tell before saving, each beside its field (one submit)."""
        cleaned = super().clean() or {}
        for item in intake_errors(cleaned, self._typed_contact(cleaned)):
            self._put_error(item)
        return cleaned

    def _typed_contact(self, cleaned: dict[str, Any]) -> ContactInput | None:
        """The contact as far as the checks need it: picked, typed (even if mistyped) or none."""
        if cleaned.get("contact_id"):
            return ContactInput(contact_id=cleaned["contact_id"])
        if not any(str(self.data.get(name) or "").strip() for name in CONTACT_FIELDS):
            return None
        return ContactInput(
            given_names=cleaned.get("given_names") or "",
            first_surname=cleaned.get("first_surname") or "",
        )

    def _put_error(self, item: FieldError) -> None:
        name = _FIELD_ALIASES.get(item.field, item.field.removeprefix("contact."))
        message = friendly_message(item)
        if name is None:
            if message not in self.contact_errors:
                self.contact_errors.append(message)
        elif name not in self.fields:
            self.add_error(None, message)
        elif name not in self.errors:  # the field's own error already says what is wrong
            self.add_error(name, message)

    def add_application_error(self, error: ApplicationError) -> None:
        """Put each field error of a refusal beside its field; the rest above the form."""
        if not error.errors:
            self.add_error(None, str(error.detail))
            return
        for item in error.errors:
            self._put_error(item)
