"""What merging two contacts does to their data, as plain rules over two records (issue 19).

`cases.services.contacts.contact_merge` applies the plan; the browser's preview shows the same
plan before anyone confirms, so what is previewed is what happens.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infonavit_atencion.core.errors import FieldError

from .access import mask_value
from .models import Contact

# Unique identifiers: moved from the source when the target has none, never duplicated.
UNIQUE_IDENTIFIERS = ("nss", "curp")
# Other data the target takes from the source only where it has none.
FILLED_FIELDS = ("rfc", "email", "phone")
# Kept from the target whatever the source holds: the names and the type.
KEPT_FIELDS = ("given_names", "first_surname", "second_surname", "type")
IDENTIFIER_LABELS = {"nss": "NSS", "curp": "CURP"}
FIELD_LABELS = {
    "given_names": gettext_lazy("Nombre(s)"),
    "first_surname": gettext_lazy("Primer apellido"),
    "second_surname": gettext_lazy("Segundo apellido"),
    "type": gettext_lazy("Tipo"),
    "nss": gettext_lazy("NSS"),
    "curp": gettext_lazy("CURP"),
    "rfc": gettext_lazy("RFC"),
    "email": gettext_lazy("Correo electrónico"),
    "phone": gettext_lazy("Teléfono"),
}


@dataclass(frozen=True)
class MergePlan:
    """`taken`: fields the target takes from the source (it has none); `conflicts`: why the
    two may not be merged (different NSS or CURP), empty when they may."""

    taken: tuple[str, ...]
    conflicts: tuple[FieldError, ...]


def merge_plan(source: Contact, target: Contact) -> MergePlan:
    conflicts = tuple(
        FieldError(
            name,
            "identity_conflict",
            _("Los contactos tienen %(label)s distintos (%(a)s y %(b)s).")
            % {"label": IDENTIFIER_LABELS[name], "a": mask_value(mine), "b": mask_value(theirs)},
        )
        for name in UNIQUE_IDENTIFIERS
        if (mine := getattr(source, name)) and (theirs := getattr(target, name)) and mine != theirs
    )
    taken = tuple(
        name
        for name in (*UNIQUE_IDENTIFIERS, *FILLED_FIELDS)
        if getattr(source, name) and not getattr(target, name)
    )
    return MergePlan(taken, conflicts)


def merge_refusal(source: Contact, target: Contact) -> FieldError | None:
    """Why this pair may never be merged as it stands (same record, one already merged)."""
    if source.pk == target.pk:
        return FieldError(
            "target", "same_contact", _("No se puede fusionar un contacto consigo mismo.")
        )
    if source.merged_into_id is not None:
        return FieldError(
            "source",
            "already_merged",
            _("El contacto %(id)s ya fue fusionado en otro.") % {"id": source.pk},
        )
    if target.merged_into_id is not None:
        return FieldError(
            "target",
            "already_merged",
            _("El contacto %(id)s ya fue fusionado en el %(into)s; fusione en ese.")
            % {"id": target.pk, "into": target.merged_into_id},
        )
    return None
