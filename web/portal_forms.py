"""The public filing form (issue 18 §3). Every field has a length limit, the identifiers are
checked by the contact base's own validators (as at intake), the documents are limited in
number and total size, and a honeypot field catches form-filling robots. Every error is shown
at once beside its field; `case_file_public` checks everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cases.limits import DESCRIPTION_MAX_LENGTH, REPORTER_IDENTITY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from cases.services import CaseInput
from catalog.models import Service
from contacts.identifiers import curp_validator, nss_validator, rfc_validator
from contacts.services import ContactInput
from infonavit_atencion.core.errors import ValidationFailed

HONEYPOT = "sitio_web"  # hidden from people (CSS) and from assistive technology
NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 20
# Where the intake service names a field, and the form's field that shows it.
SERVICE_FIELDS = {
    "contact.nss": "nss",
    "contact.curp": "curp",
    "contact.rfc": "rfc",
    "contact.email": "email",
    "contact.given_names": "given_names",
    "contact.first_surname": "first_surname",
    "contact": "email",
    "description": "description",
    "subject": "subject",
    "anonymous": "anonymous",
    "file": "documentos",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in uploads if item]


def _text(label: Any, max_length: int, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


class PublicFilingForm(forms.Form):
    anonymous = forms.BooleanField(
        label=_("Presentar la denuncia de forma anónima"), required=False
    )
    reporter_identity = _text(
        _("Sus datos, si desea darlos (opcional)"),
        REPORTER_IDENTITY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    given_names = _text(_("Nombre(s)"), NAME_MAX_LENGTH)
    first_surname = _text(_("Primer apellido"), NAME_MAX_LENGTH)
    second_surname = _text(_("Segundo apellido (opcional)"), NAME_MAX_LENGTH)
    email = forms.EmailField(
        label=_("Correo electrónico"), required=False, max_length=EMAIL_MAX_LENGTH
    )
    phone = _text(_("Teléfono (opcional)"), PHONE_MAX_LENGTH)
    nss = _text(_("NSS (opcional)"), 20, validators=[nss_validator])
    curp = _text(_("CURP (opcional)"), 24, validators=[curp_validator])
    rfc = _text(_("RFC (opcional)"), 20, validators=[rfc_validator])
    subject = _text(_("Asunto (opcional)"), SUBJECT_MAX_LENGTH)
    description = _text(
        _("Describa su caso"),
        DESCRIPTION_MAX_LENGTH,
        required=True,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    documentos = MultipleFileField(label=_("Documentos (opcional)"), required=False)
    sitio_web = _text(_("No llene este campo"), 200)

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["description"].error_messages["required"] = _("Describa su caso.")

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled: no person sees that field."""
        return bool(self.data.get(HONEYPOT, "").strip())

    @property
    def anonymous_allowed(self) -> bool:
        return self.service.kind == "report"

    def _is_anonymous(self) -> bool:
        return self.anonymous_allowed and bool(self.cleaned_data.get("anonymous"))

    def clean_documentos(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data.get("documentos") or []
        limit, total = settings.PUBLIC_FILING_MAX_FILES, settings.PUBLIC_FILING_MAX_UPLOAD_BYTES
        if len(uploads) > limit:
            raise forms.ValidationError(
                _("Adjunte a lo más %(n)d documentos.") % {"n": limit}, code="too_many"
            )
        if sum(upload.size for upload in uploads) > total:
            raise forms.ValidationError(
                _("Los documentos suman más de %(size)s; adjunte menos o más ligeros.")
                % {"size": filesizeformat(total)},
                code="too_large",
            )
        return uploads

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self._is_anonymous():
            return data
        required = {
            "given_names": _("Escriba su nombre."),
            "first_surname": _("Escriba su primer apellido."),
            "email": _("Escriba su correo electrónico: ahí le pediremos confirmarlo."),
        }
        for name, message in required.items():
            if name not in self.errors and not str(data.get(name) or "").strip():
                self.add_error(name, message)
        return data

    def case_input(self, channel_code: str) -> CaseInput:
        data = self.cleaned_data
        anonymous = self._is_anonymous()
        contact = None
        if not anonymous:
            contact = ContactInput(
                given_names=data["given_names"].strip(),
                first_surname=data["first_surname"].strip(),
                second_surname=data["second_surname"].strip(),
                nss=data["nss"].strip() or None,
                curp=data["curp"].strip() or None,
                rfc=data["rfc"].strip() or None,
                email=data["email"].strip(),
                phone=data["phone"].strip(),
            )
        return CaseInput(
            service=self.service.code,
            channel=channel_code,
            description=data["description"],
            subject=data["subject"],
            contact=contact,
            anonymous=anonymous,
            sealed_reporter_identity=data["reporter_identity"] if anonymous else "",
        )

    def add_service_errors(self, error: ValidationFailed) -> None:
        """The intake service's refusal, beside the fields it names (else above the form)."""
        placed = False
        for item in error.errors:
            name = SERVICE_FIELDS.get(item.field)
            if name is not None and name in self.fields:
                self.add_error(name, item.message)
                placed = True
        if not placed:
            self.add_error(None, str(error.detail))
