from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlmenUserManager(UserManager["User"]):
    """Users are identified by e-mail; there is no username."""

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Residents, board members, staff and officers alike.

    What a user may see is not stored here but derived by ``almen.access`` from
    memberships and the register (tenancies, body memberships).
    """

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("navn"), max_length=200, blank=True)
    # When an authenticator of this user was last removed (by the person or by anyone
    # else): a second factor passed in a session before then no longer counts. Read
    # from the user row every request loads anyway, so the MFA middleware needs no
    # query of its own (almen/accounts/mfa.py).
    mfa_reset_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The language the person chose (the switch in the header); empty: never chosen,
    # Danish. Applied whenever they are logged in (almen.accounts.language).
    language = models.CharField(
        _("sprog"),
        max_length=8,
        blank=True,
        choices=[("da", "Dansk"), ("en", "English")],
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = AlmenUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name.split() or [self.email])[0]
