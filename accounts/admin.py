from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiClient, UserProfile


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    autocomplete_fields = ("office", "area", "directorate")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Separation of duties: nobody grants (or drops) the integrity role on their own
        # account; another administrator does, and the admin's history records who.
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            return (*fields, "can_view_sealed_identity")
        return fields


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    inlines = [UserProfileInline]
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")
    list_filter = ("profile__role", "is_active", "profile__directorate")
    list_select_related = ("profile",)

    @admin.display(description=_("rol"))
    def role(self, obj) -> str:  # type: ignore[no-untyped-def]
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "key_prefix", "active", "last_used_at")
    list_filter = ("active", "channel")
    search_fields = ("name", "key_prefix")
    # The key itself is never stored; new clients are created with `create_api_client`.
    readonly_fields = ("key_prefix", "key_digest", "last_used_at")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
