import axes.admin as axes_admin
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.admin_guard import GuardedAdminMixin, GuardedInlineMixin

from .models import ApiClient, UserProfile
from .sealed_role_admin import SealedRoleGrantAdmin


class UserProfileInline(GuardedInlineMixin, admin.StackedInline):
    model = UserProfile
    can_delete = False
    autocomplete_fields = ("office", "area", "directorate")
    # The integrity role is never ticked here, on any account: it comes only from a two-person
    # grant (Concesiones del rol de integridad), see accounts.sealed_role.
    readonly_fields = ("can_view_sealed_identity",)


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(GuardedAdminMixin, UserAdmin):
    inlines = [UserProfileInline]
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")
    list_filter = ("profile__role", "is_active", "profile__directorate")
    list_select_related = ("profile",)

    @admin.display(description=_("rol"))
    def role(self, obj) -> str:  # type: ignore[no-untyped-def]
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"


@admin.register(ApiClient)
class ApiClientAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "channel", "key_prefix", "active", "last_used_at")
    list_filter = ("active", "channel")
    search_fields = ("name", "key_prefix")
    # The key itself is never stored; new clients are created with `create_api_client`. Its
    # digest is not shown either (core.admin_guard).
    readonly_fields = ("key_prefix", "last_used_at")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


# Admins registered by Django and django-axes get the same guard as ours (core.admin_guard).
for _model, _admin_class in (
    (Group, GroupAdmin),
    (axes_admin.AccessAttempt, axes_admin.AccessAttemptAdmin),
    (axes_admin.AccessLog, axes_admin.AccessLogAdmin),
    (axes_admin.AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(
            _model, type(f"Guarded{_admin_class.__name__}", (GuardedAdminMixin, _admin_class), {})
        )


__all__ = ["ApiClientAdmin", "SealedRoleGrantAdmin", "StaffUserAdmin", "UserProfileInline"]
