"""A person registered twice, for the demo of the contact merge (issue 19, item 11).

The generated history gives each person one record with NSS and CURP. This splits one of them
as happens when a first intake took only the NSS and a later one only the CURP: the record
keeps the NSS, a second record of the same name holds the CURP, and the person's newest case
moves to it. Supervisors then find both at /contactos/duplicados/ by that CURP and merge them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from cases.models import Case
from contacts.models import Contact


def demo_duplicate_contact() -> Contact | None:
    """Split the person with the most cases into two records (the newest case moves to the
    new one); the new record, or None when nobody has a case."""
    person = (
        Contact.objects.filter(
            nss__isnull=False, curp__isnull=False, merged_into__isnull=True, merged_from=None
        )
        .annotate(n_cases=Count("cases"))
        .filter(n_cases__gte=1)
        .order_by("-n_cases", "pk")
        .first()
    )
    if person is None:
        return None
    with transaction.atomic():
        curp = person.curp
        person.curp = None
        person.save(update_fields=["curp", "updated_at"])
        twin = Contact.objects.create(
            given_names=person.given_names,
            first_surname=person.first_surname,
            second_surname=person.second_surname,
            curp=curp,
            type=person.type,
        )
        newest = Case.objects.filter(contact=person).order_by("-received_at", "-pk").first()
        assert newest is not None
        Case.objects.filter(pk=newest.pk).update(contact=twin)
    return twin
