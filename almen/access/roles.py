from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Beboer")
    ESTATE_BOARD = "estate_board", _("Afdelingsbestyrelse")
    ORG_STAFF = "org_staff", _("Administration")
    ORG_BOARD = "org_board", _("Organisationsbestyrelse")
    MUNICIPALITY_OFFICER = "municipality_officer", _("Kommune")
    SECTOR_STAFF = "sector_staff", _("Sektoren (BL)")


# Roles whose holders handle other people's data: they must use two-factor login.
STAFF_ROLES = frozenset({Role.ORG_STAFF, Role.MUNICIPALITY_OFFICER, Role.SECTOR_STAFF})
