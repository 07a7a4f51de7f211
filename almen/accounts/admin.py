from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

from almen.accounts.models import User
from almen.audit.admin import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin[User], BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        ("Rettigheder", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Datoer", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """The password form saves outside ``save_model``: audited here (never the
        password itself)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user: Any = self.get_object(request, unquote(id))
            if user is not None:
                self._record(request, "admin.password", user)
        return response
