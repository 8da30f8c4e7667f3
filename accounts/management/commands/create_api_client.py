"""`python manage.py create_api_client NAME --channel CODE --scopes a,b` — prints the key last."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_client_create
from infonavit_atencion.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Registra un sistema cliente de la API e imprime su llave (sólo se muestra esta vez)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("name")
        parser.add_argument("--channel", required=True)
        parser.add_argument(
            "--scopes",
            required=True,
            help="p. ej. cases:read,cases:write; contacts:write deja que los datos de contacto "
            "de sus casos actualicen la base única de contactos.",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        try:
            client, key = api_client_create(options["name"], options["channel"], scopes)
        except ApplicationError as error:
            raise CommandError(str(error.detail)) from error
        self.stdout.write(
            f"Cliente «{client.name}» creado en el canal {client.channel.code} con alcances {', '.join(client.scopes)}."
        )
        self.stdout.write("Guarde la llave ahora; no se volverá a mostrar:")
        self.stdout.write(key)
