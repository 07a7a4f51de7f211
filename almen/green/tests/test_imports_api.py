"""The readings API: a token of the organisation with green:readings, all or nothing
with per-item findings, idempotent on meter and time, and 4xx for any body."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from almen.audit.models import AuditEntry
from almen.green.models import EnergyKind, Meter, MeterMode, MeterUnit, Reading
from almen.green.testing import aware
from almen.register import tokens
from almen.register.models import ApiScope, Estate, Organisation

pytestmark = pytest.mark.django_db

URL = "/api/v1/green/readings"


def _token(cvr: str = "29190909", scopes: list[str] | None = None) -> str:
    _token, plaintext = tokens.api_token_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=cvr),
        name="Fjernaflæsning",
        scopes=scopes or [ApiScope.GREEN_READINGS_WRITE],
    )
    return plaintext


def _meter() -> Meter:
    return Meter.objects.create(
        estate=Estate.objects.get(organisation__cvr="29190909", number=2),
        number="API-1",
        kind=EnergyKind.ELECTRICITY,
        unit=MeterUnit.KWH,
        mode=MeterMode.CUMULATIVE,
    )


def _post(body: object, token: str | None, raw: bytes | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else json.dumps(body)
    return Client().post(URL, data, content_type="application/json", headers=headers)


GOOD = [
    {"meter": "API-1", "estate": 2, "at": "2025-01-01T00:00:00+01:00", "value": 100},
    {"meter": "API-1", "estate": 2, "at": "2025-02-01", "value": "150,5", "unit": "kWh"},
]


def test_bulk_ingest_writes_all_and_is_idempotent() -> None:
    meter = _meter()
    token = _token()
    response = _post(GOOD, token)
    assert response.status_code == 200, response.content
    assert response.json()["readings_new"] == 2
    rows = list(meter.readings.order_by("at").values_list("at", "value", "source"))
    assert rows == [
        (aware(dt.date(2025, 1, 1)), Decimal("100.0000"), "api"),
        (aware(dt.date(2025, 2, 1)), Decimal("150.5000"), "api"),
    ]
    assert AuditEntry.objects.filter(action="green.readings_ingest").count() == 1
    pks = list(meter.readings.order_by("at").values_list("pk", flat=True))
    again = _post(GOOD, token)
    assert again.status_code == 200
    assert again.json()["readings_unchanged"] == 2 and again.json()["readings_new"] == 0
    assert list(meter.readings.order_by("at").values_list("pk", flat=True)) == pks


def test_one_bad_item_writes_nothing_and_names_the_item() -> None:
    meter = _meter()
    body = [
        *GOOD,
        {"meter": "API-1", "estate": 2, "at": "2025-03-01", "value": 90},  # lower: negative
        {"meter": "UKENDT", "estate": 2, "at": "2025-03-01", "value": 1},
        {"meter": "API-1", "estate": 2, "at": "2025-04-01", "value": 200, "unit": "GJ"},
    ]
    response = _post(body, _token())
    assert response.status_code == 400
    data = response.json()
    assert [f["row"] for f in data["findings"] if f["level"] == "error"] == [4, 5, 3]
    assert not meter.readings.exists()
    assert not Reading.objects.filter(meter__number="UKENDT").exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"{}",
        b"[]",
        b"null",
        b'"text"',
        b"[1, 2]",
        b'[{"meter": {"a": 1}, "estate": [], "at": true, "value": {}}]',
        b'[{"meter": "API-1", "estate": "x", "at": "2025-13-45", "value": "1e999"}]',
        b'[{"meter": "API-1", "estate": 2, "at": "2025-01-01", "value": NaN}]',
        b'[{"meter": "API-1", "estate": 2, "at": "2025-01-01", "value": 1e308}]',
        b'[{"meter": "API-1", "estate": 2, "at": "9999-12-31T23:59:59+14:00", "value": 1}]',
        '[{"meter": "API-1", "estate": 2, "at": "2025-01-01", "value": "١٢"}]'.encode(),
    ],
)
def test_any_body_is_answered_4xx(raw: bytes) -> None:
    _meter()
    response = _post(None, _token(), raw=raw)
    assert 400 <= response.status_code < 500, (raw, response.status_code, response.content)
    assert not Reading.objects.filter(meter__number="API-1").exists()


def test_token_rules() -> None:
    meter = _meter()
    assert _post(GOOD, None).status_code == 401
    assert _post(GOOD, _token(scopes=[ApiScope.REGISTER_IMPORT])).status_code == 403
    # Another organisation's token does not find organisation A's meter.
    other = _post(GOOD, _token(cvr="31415926"))
    assert other.status_code == 400
    assert not meter.readings.exists()
