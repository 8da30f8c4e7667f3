"""Cases registered before the contact details were kept on the case take them from their
contact as it stands now, so their notices keep reaching the e-mail they always did."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

FIELDS = (
    "given_names",
    "first_surname",
    "second_surname",
    "type",
    "nss",
    "curp",
    "rfc",
    "email",
    "phone",
)


def _backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Contact = apps.get_model("contacts", "Contact")
    contact = Contact.objects.filter(pk=OuterRef("contact_id"))
    # One UPDATE; NSS and CURP are NULL on a contact without them, "" on the case.
    Case.objects.filter(contact__isnull=False).update(
        **{
            f"contact_{name}": Coalesce(Subquery(contact.values(name)[:1]), Value(""))
            for name in FIELDS
        }
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_contact_details"),
        ("contacts", "0007_contact_change_history"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
