"""`python manage.py seed_demo`: demo users of every role (logins printed) and, once, a few months of cases (local use only)."""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import SealedRoleGrant, SealedRoleGrantStatus, UserProfile
from accounts.sealed_role import sealed_role_approve, sealed_role_propose
from accounts.services import UserPlacement, user_create
from cases.models import Case
from demo.duplicate import demo_duplicate_contact
from demo.history import history_generate
from demo.macros import demo_macros_seed
from demo.saved_views import demo_saved_views_seed

DEMO_CASES = 3000
DEMO_MONTHS = 3

# (username, role, placement, description)
# fmt: off
DEMO_USERS = [
    ("admin", "admin", UserPlacement(), "Administrador del sistema"),
    ("admin.aprobador", "admin", UserPlacement(), "Segundo administrador: aprueba concesiones del rol de integridad"),
    ("asesor.cesi", "agent", UserPlacement(office_code="CESI_CDMX_BENITO_JUAREZ"), "Asesor del Cesi Benito Juárez"),
    ("asesor.tijuana", "agent", UserPlacement(office_code="CESI_TIJUANA"), "Asesor del Cesi Tijuana"),
    ("asesor.infonatel", "agent", UserPlacement(office_code="INFONATEL_CC"), "Asesor de Infonatel"),
    ("cartera.cancelacion", "area_staff", UserPlacement(area_code="CARTERA_CANCELACION"), "Personal de Cartera"),
    ("operaciones.quejas", "area_staff", UserPlacement(area_code="OPERACIONES_QUEJAS"), "Personal de Operaciones"),
    ("credito.inscripcion", "area_staff", UserPlacement(area_code="CREDITO_INSCRIPCION"), "Personal de Crédito"),
    ("transparencia", "area_staff", UserPlacement(area_code="OPERACIONES_TRANSPARENCIA"),
     "Transparencia: solicitudes ARCO, exporta los datos de un titular"),
    ("integridad", "area_staff", UserPlacement(area_code="OPERACIONES_INTEGRIDAD"),
     "Integridad: denuncias, ve la identidad reservada de quien denuncia"),
    ("supervisor.cdmx", "supervisor", UserPlacement(office_code="DEL_CDMX"), "Supervisor de la Delegación CDMX"),
    ("supervisor.cartera", "supervisor", UserPlacement(directorate_code="CARTERA"), "Supervisor de Cartera"),
    ("supervisor.nacional", "supervisor", UserPlacement(national=True), "Supervisor nacional"),
]
# fmt: on
# What the two privacy roles hold beyond their area (docs/adr/0011). The integrity role goes
# through the two-person grant like anywhere else: `admin` proposes, `admin.aprobador` approves.
EXPORTERS = ("transparencia",)
SEALED_IDENTITY_VIEWERS = ("integridad",)
GRANT_PROPOSER, GRANT_APPROVER = "admin", "admin.aprobador"


class Command(BaseCommand):
    help = "Crea los usuarios de demostración de cada rol e imprime sus accesos."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if not settings.DEBUG:
            raise CommandError("seed_demo sólo se usa en entornos locales (DJANGO_DEBUG=true).")
        password = getattr(settings, "DEMO_PASSWORD", "")
        if not password:
            raise CommandError("Defina DEMO_PASSWORD para crear los usuarios de demostración.")
        users = {
            username: user_create(username, role, password, placement)
            for username, role, placement, _description in DEMO_USERS
        }
        export = Permission.objects.get(
            content_type__app_label="contacts", codename="export_contact_data"
        )
        for username in EXPORTERS:
            users[username].user_permissions.add(export)
        for username in SEALED_IDENTITY_VIEWERS:
            self._grant_sealed_role(users, username)
        self.stdout.write(f"Usuarios de demostración (contraseña para todos: {password}):")
        for username, role, _placement, description in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {role:<11} {description}")
        macros = demo_macros_seed()
        if macros:
            self.stdout.write(f"Macros de demostración: {macros} (unas por servicio).")
        views = demo_saved_views_seed(users)
        if views:
            self.stdout.write(f"Vistas guardadas de demostración: {views} (una por rol).")
        if not Case.objects.exists():  # a few months of realistic cases, once
            report = history_generate(DEMO_CASES, DEMO_MONTHS, seed=2026)
            self.stdout.write(
                f"Historial de demostración: {report.cases:,} casos de {DEMO_MONTHS} meses."
            )
            twin = demo_duplicate_contact()
            if twin is not None:
                self.stdout.write(
                    f"Contacto duplicado para combinar: {twin.full_name}, CURP {twin.curp} "
                    "(búsquelo en /contactos/duplicados/ como supervisor o administrador)."
                )

    def _grant_sealed_role(self, users, username):  # type: ignore[no-untyped-def]
        user = users[username]
        if UserProfile.objects.filter(user=user, can_view_sealed_identity=True).exists():
            return
        now = timezone.now()
        grant = SealedRoleGrant.objects.filter(
            for_user=user, status=SealedRoleGrantStatus.PROPOSED
        ).first() or sealed_role_propose(
            users[GRANT_PROPOSER], user, now, "Usuario de demostración"
        )
        sealed_role_approve(users[GRANT_APPROVER], grant.pk, now)
