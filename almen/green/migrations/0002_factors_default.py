"""The default national table of emission factors (docs/emission-factors.md).

Every figure below was looked up in the source named beside it; none is estimated.
Where a year has no official figure we found, the row's note says so, and the
footprint uses the latest earlier year (``footprint.FactorTable``) and says that too.
There is no official factor for water, none for fuel oil per year, and no national
district-heating average: none is shipped.

Historical models have no custom ``save()``, so the version key is computed here the
way ``EmissionFactor.make_key`` does.
"""

from decimal import Decimal

from django.db import migrations

EVIDA = "https://www.evida.dk/co2-faktor/"
ENERGINET = (
    "https://energinet.dk/data-om-energi/data-til-dit-klimaregnskab/"
    "lokationsbaseret-deklaration-miljodeklaration/"
)
GPD_2023 = "https://www.kristeligt-dagblad.dk/danmark/co2-belastningen-fra-stroem-er-faldet-75-procent-paa-10-aar"
GPD_2024 = (
    "https://www.berlingske.dk/danmark/det-har-aldrig-vaeret-mere-klimavenligt-at-bruge-stroem"
)
FYN_2023 = (
    "https://www.fjernvarmefyn.dk/om-os/rapporter-og-opgoerelser/"
    "varedeklaration-og-groen-omstillingsplan/"
)
FYN_2020 = "https://www.fjernvarmefyn.dk/om-os/rapporter-og-opgoerelser/varedeklaration"

FJERNVARME_FYN = "Fjernvarme Fyn"
ODENSE = "0461"

GAS_NOTE = (
    "Evida oplyser faktoren som kg CO2 pr. m³ naturgas (normalkubikmeter) og regner "
    "CO2e med den. Faktoren beregnes af Energinet og opdateres en gang om året."
)
GAS_NOTE_LATEST = GAS_NOTE + (
    " For 2024 og senere har vi ikke fundet en officiel faktor: forbrug i de år regnes "
    "med 2023-faktoren, og beregningen siger det."
)
EL_NOTE = (
    "Et landsgennemsnit (prisområde tomt). Den officielle kilde er Energinets "
    "miljødeklaration (lokationsbaseret, time for time, opdelt på DK1 og DK2: "
    + ENERGINET
    + "); vi har ikke fundet årsværdier pr. prisområde, så DK1 og DK2 får samme tal."
)

ROWS = [
    # (year, kind, kg CO2e per base unit, source, url, note)
    (
        "natural_gas",
        2020,
        "2.1986",
        "Evida: CO2-faktor for naturgas 2020 (beregnet af Energinet)",
        EVIDA,
        GAS_NOTE,
    ),
    (
        "natural_gas",
        2021,
        "2.1966",
        "Evida: CO2-faktor for naturgas 2021 (beregnet af Energinet)",
        EVIDA,
        GAS_NOTE,
    ),
    (
        "natural_gas",
        2022,
        "2.2326",
        "Evida: CO2-faktor for naturgas 2022 (beregnet af Energinet)",
        EVIDA,
        GAS_NOTE,
    ),
    (
        "natural_gas",
        2023,
        "2.2627",
        "Evida: CO2-faktor for naturgas 2023 (beregnet af Energinet)",
        EVIDA,
        GAS_NOTE_LATEST,
    ),
    (
        "electricity",
        2023,
        "0.096",
        "Green Power Denmark: foreløbigt tal for 2023, 96 g CO2 pr. forbrugt kWh "
        "(gengivet januar 2024)",
        GPD_2023,
        "Foreløbigt tal, opgivet som gram CO2. "
        + EL_NOTE
        + " For 2022 og tidligere har vi ikke fundet et landstal efter samme metode: "
        "ingen faktor.",
    ),
    (
        "electricity",
        2024,
        "0.060",
        "Green Power Denmark: 60 g CO2 pr. forbrugt kWh i 2024, beregnet på Energinets data",
        GPD_2024,
        EL_NOTE + " For 2025 og senere har vi ikke fundet et tal: forbrug i de år regnes "
        "med 2024-faktoren, og beregningen siger det.",
    ),
]

FYN_ROWS = [
    (
        2019,
        # 25,6 kg CO2e/GJ × 3,6 GJ/MWh = 92,16 kg/MWh = 0,09216 kg/kWh
        "0.09216",
        "Fjernvarme Fyn: varedeklaration 2019, 25,6 kg CO2e/GJ (200 %-metoden)",
        FYN_2020,
        "Omregnet fra kg/GJ: 1 MWh = 3,6 GJ, så 25,6 kg/GJ = 92,16 kg/MWh.",
    ),
    (
        2020,
        # 21,8 kg CO2e/GJ × 3,6 = 78,48 kg/MWh
        "0.07848",
        "Fjernvarme Fyn: varedeklaration 2020, 21,8 kg CO2e/GJ (200 %-metoden)",
        FYN_2020,
        "Omregnet fra kg/GJ: 1 MWh = 3,6 GJ, så 21,8 kg/GJ = 78,48 kg/MWh. "
        "Deklarationerne for 2021 og 2022 har vi ikke fundet: forbrug i de år regnes med "
        "2020-tallet, og beregningen siger det.",
    ),
    (
        2023,
        "0.05695",
        "Fjernvarme Fyn: varedeklaration 2023, drivhusgasser i alt 56,95 kg CO2e/MWh "
        "(15,82 kg/GJ), 200 %-metoden",
        FYN_2023,
        "56,95 kg CO2e pr. MWh = 0,05695 kg pr. kWh.",
    ),
]


def make_key(year, kind, price_area, supplier_id, method, organisation_id):
    parts = [year, kind, price_area or "-", supplier_id or "-", method, organisation_id or "-"]
    return "/".join(str(p) for p in parts)


def load(apps, schema_editor):
    EmissionFactor = apps.get_model("green", "EmissionFactor")
    Supplier = apps.get_model("green", "Supplier")
    Municipality = apps.get_model("register", "Municipality")

    def add(*, year, kind, value, source, url, note, supplier=None):
        key = make_key(year, kind, "", supplier.pk if supplier else None, "location", None)
        if EmissionFactor.objects.filter(key=key).exists():
            return
        EmissionFactor.objects.create(
            key=key,
            version=1,
            year=year,
            kind=kind,
            price_area="",
            supplier=supplier,
            method="location",
            kg_co2e_per_unit=Decimal(value),
            source=source,
            source_url=url,
            note=note,
        )

    for kind, year, value, source, url, note in ROWS:
        add(year=year, kind=kind, value=value, source=source, url=url, note=note)

    plant, _ = Supplier.objects.get_or_create(
        kind="district_heating", name=FJERNVARME_FYN, organisation=None
    )
    odense = Municipality.objects.filter(code=ODENSE).first()
    if odense is not None:
        plant.municipalities.add(odense)
    for year, value, source, url, note in FYN_ROWS:
        add(
            year=year,
            kind="district_heating",
            value=value,
            source=source,
            url=url,
            note=note,
            supplier=plant,
        )


def unload(apps, schema_editor):
    EmissionFactor = apps.get_model("green", "EmissionFactor")
    Supplier = apps.get_model("green", "Supplier")
    urls = {EVIDA, GPD_2023, GPD_2024, FYN_2023, FYN_2020}
    EmissionFactor.objects.filter(organisation=None, version=1, source_url__in=urls).delete()
    Supplier.objects.filter(
        kind="district_heating", name=FJERNVARME_FYN, organisation=None, factors=None, meters=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("green", "0001_initial"),
        ("register", "0002_load_municipalities"),
    ]
    operations = [migrations.RunPython(load, unload)]
