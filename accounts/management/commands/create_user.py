"""`python manage.py create_user USERNAME --role ROLE --password PW [--office C] [--area C] [--directorate C] [--national]`."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import UserPlacement, user_create
from infonavit_atencion.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Crea o actualiza un usuario con su rol y adscripción."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", required=True)
        parser.add_argument("--office")
        parser.add_argument("--area")
        parser.add_argument("--directorate")
        parser.add_argument("--national", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        placement = UserPlacement(
            office_code=options["office"],
            area_code=options["area"],
            directorate_code=options["directorate"],
            national=options["national"],
        )
        try:
            user = user_create(options["username"], options["role"], options["password"], placement)
        except ApplicationError as error:
            raise CommandError(str(error.detail)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Usuario «{user.get_username()}» listo ({options['role']}).")
        )
