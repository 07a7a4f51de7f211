"""Who may see an object: the ladder every module's models share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Each level includes the levels before it."""

    PRIVATE = "private", _("Privat (kun ejeren)")
    ORGANISATION = "organisation", _("Organisationen")
    MUNICIPALITY = "municipality", _("Kommunen")
    SECTOR = "sector", _("Sektoren")
    PUBLIC = "public", _("Offentlig")


LADDER = [v.value for v in Visibility]


def at_least(visibility: str, level: str) -> bool:
    """True when ``visibility`` is ``level`` or wider."""
    return LADDER.index(visibility) >= LADDER.index(level)
