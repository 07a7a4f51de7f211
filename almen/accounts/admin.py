from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from almen.accounts.models import User
from almen.accounts.views import admin_login


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        ("Rettigheder", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Datoer", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


# One login door: the admin's own password form (no TOTP, no rate limits) is replaced
# by a redirect to allauth's login, which comes back to the admin afterwards.
admin.site.login = admin_login  # type: ignore[method-assign]
