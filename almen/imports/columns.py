"""The register file's columns: Danish names, the aliases administration systems use,
and which ones a file must have."""

from __future__ import annotations

import re

from almen.lib.tabular import normalise_header

REQUIRED = [
    "afdelingsnummer",
    "lejemålsnummer",
    "adresse",
    "boligtype",
    "areal",
    "værelser",
    "indflytningsdato",
    "beboer_navn",
]
OPTIONAL = [
    "afdelingsnavn",
    "fraflytningsdato",
    "beboer_email",
    "beboer_telefon",
    "fødselsår",
]
KNOWN = set(REQUIRED) | set(OPTIONAL)

_ALIASES_RAW = {
    "afdelingsnummer": ["afdeling", "afd", "afd_nr", "afdelingsnr", "afdeling_nr"],
    "afdelingsnavn": ["afdeling_navn", "afd_navn"],
    "lejemålsnummer": [
        "lejemaalsnummer",
        "lejemål",
        "lejemaal",
        "lejemålsnr",
        "lejemaalsnr",
        "lejemål_nr",
        "lejemaal_nr",
        "lejemålsid",
        "lejemål_id",
    ],
    "adresse": ["boligadresse", "lejemålsadresse"],
    "boligtype": ["type", "bolig_type"],
    "areal": ["areal_m2", "m2", "boligareal", "bruttoareal"],
    "værelser": ["vaerelser", "antal_værelser", "antal_vaerelser", "rum"],
    "indflytningsdato": ["indflytning", "indflyttet", "indflytningsdag"],
    "fraflytningsdato": ["fraflytning", "fraflyttet", "fraflytningsdag"],
    "beboer_navn": ["navn", "beboernavn", "beboer"],
    "beboer_email": ["email", "e_mail", "beboer_e_mail", "beboeremail", "mail"],
    "beboer_telefon": ["telefon", "tlf", "telefonnummer", "beboer_tlf", "mobil"],
    "fødselsår": ["foedselsaar", "fodselsar", "fødselsaar", "født", "foedt"],
}
ALIASES: dict[str, str] = {
    normalise_header(alias): canonical
    for canonical, aliases in _ALIASES_RAW.items()
    for alias in [canonical, *aliases]
}

# Headers that announce a CPR number: the file is refused without reading further.
CPR_HEADERS = {"cpr", "cpr_nr", "cprnr", "cpr_nummer", "cprnummer", "personnummer", "personnr"}
# ddmmyy-xxxx with a plausible day and month.
CPR_VALUE = re.compile(r"^(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}-\d{4}$")

# Columns whose text is stored as it is; the others are parsed into numbers, dates,
# choices or a phone number, so a formula cannot survive there.
FREE_TEXT = ["afdelingsnavn", "lejemålsnummer", "adresse", "beboer_navn", "beboer_email"]


def looks_like_cpr(value: object) -> bool:
    # Cheap test first: most cells are not 11 characters with a dash in the middle.
    return (
        isinstance(value, str) and len(value.strip()) == 11 and bool(CPR_VALUE.match(value.strip()))
    )
