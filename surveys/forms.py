from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH, CSAT_MAX, CSAT_MIN, NPS_MAX, NPS_MIN

CSAT_LABELS = {
    1: _("1 — Muy insatisfecho"),
    2: _("2 — Insatisfecho"),
    3: _("3 — Ni satisfecho ni insatisfecho"),
    4: _("4 — Satisfecho"),
    5: _("5 — Muy satisfecho"),
}


class SurveyForm(forms.Form):
    csat = forms.TypedChoiceField(
        label=_("¿Qué tan satisfecho está con la atención que recibió?"),
        choices=[(n, CSAT_LABELS[n]) for n in range(CSAT_MIN, CSAT_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Elija una calificación del 1 al 5.")},
    )
    nps = forms.TypedChoiceField(
        label=_(
            "Del 0 al 10, ¿qué tan probable es que recomiende la atención del Infonavit "
            "a un familiar o amigo?"
        ),
        choices=[(n, str(n)) for n in range(NPS_MIN, NPS_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Elija un valor del 0 al 10.")},
    )
    comment = forms.CharField(
        label=_("Comentario (opcional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
