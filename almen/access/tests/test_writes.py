"""The authorisation matrix for writes: every POST/PATCH/DELETE route × every persona.

test_matrix.py decides who may GET what. Here every route that writes is sent a real,
valid write (with a CSRF token, against real objects) as each persona. Those the matrix
lets in must succeed and change the database; everyone else gets the matrix's answer
(403, 404, or the login page) and the database — every row of the project's apps,
audit log included — is exactly as before.

Each route is classified: a write here (``WRITES``), the API's writes (token
authentication, ``test_api_writes``), Django's admin (superusers only), the account
pages (each acts on the requester's own account), or a page that does not write at all
(POST answers 405). ``test_every_route_is_classified`` fails for a route added without
a decision.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

from almen.access.tests.test_matrix import (
    ANON,
    EXPECTED,
    ORG_A_STAFF_ONLY,
    concrete,
    routes,
)
from almen.accounts.tests.helpers import login_with_mfa
from almen.conftest import PERSONA_KEYS
from almen.goals.models import Commitment, Framework
from almen.people import testing as people_testing
from almen.register import tokens as register_tokens
from almen.register.models import ApiScope, Estate, Organisation

CVR_A = "29190909"
CSRF = "x" * 32  # any 32 characters make a valid CSRF secret

# The apps whose rows a refused write must leave untouched (sessions and the login
# bookkeeping of accounts change with every request and are not the project's data).
DATA_APPS = [
    "register",
    "attachments",
    "goals",
    "dialogue",
    "imports",
    "reports",
    "people",
    "democracy",
    "audit",
    "notify",
]


# Bookkeeping that a refused call may update: when a token was last presented.
IGNORED_FIELDS = {"register.ApiToken": {"last_used_at"}}


def fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model of the data apps."""
    rows = {}
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            ignored = IGNORED_FIELDS.get(model._meta.label, set())
            names = [f.attname for f in model._meta.concrete_fields if f.name not in ignored]
            rows[model._meta.label] = list(
                model._default_manager.order_by("pk").values_list(*names)
            )
    return rows


def changed(before: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    after = fingerprint()
    return [label for label in before if before[label] != after[label]]


# --- forms as a browser would send them ----------------------------------------------


class _FormParser(HTMLParser):
    """The fields of each <form> with the values a browser would send by default."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, Any]]] = []
        self._fields: dict[str, Any] | None = None
        self._select: tuple[str, bool] | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None

    def _add(self, name: str, value: str, multiple: bool = False) -> None:
        assert self._fields is not None
        if multiple:
            self._fields.setdefault(name, []).append(value)
        else:
            self._fields[name] = value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"), multiple=kind == "checkbox")
            elif kind not in ("submit", "button", "file"):
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._first_option = None
            self._selected = False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected = True
                self._add(self._select[0], value, multiple=self._select[1])
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data: str) -> None:
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            name, multiple = self._select
            if not self._selected and not multiple and self._first_option is not None:
                self._add(name, self._first_option)
            self._select = None
        elif tag == "textarea" and self._textarea and self._fields is not None:
            # Browsers drop the newline that follows <textarea>.
            self._fields[self._textarea] = self._fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._fields = None


def form_defaults(html: str, path: str) -> dict[str, Any]:
    """The defaults of the page's form that posts to ``path`` (or to itself)."""
    parser = _FormParser()
    parser.feed(html)
    for action, fields in parser.forms:
        if action in ("", path):
            fields.pop("csrfmiddlewaretoken", None)
            return fields
    raise AssertionError(f"no form posting to {path}")


# --- the routes that write ------------------------------------------------------------


def _commitment_pk() -> int:
    framework = Framework.objects.current()
    assert framework is not None
    return Commitment.objects.get(cornerstone__framework=framework, code="2.4").pk


def _estate_a_pk() -> int:
    return Estate.objects.get(organisation__cvr=CVR_A, number=1).pk


def _token_path() -> str:
    token, _plaintext = register_tokens.api_token_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=CVR_A),
        name="Lejesystem",
        scopes=[ApiScope.GOALS_READ],
    )
    return f"/organisationer/{CVR_A}/api-tokens/{token.public_id}/tilbagekald/"


def _public_goal_copy_path() -> str:
    from almen.goals import services as goal_services
    from almen.goals.models import GoalStatus
    from almen.lib.visibility import Visibility

    framework = Framework.objects.current()
    assert framework is not None
    goal = goal_services.goal_create(
        actor=None,
        organisation=Organisation.objects.get(cvr="31415926"),
        framework=framework,
        title="Offentligt mål at kopiere",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        commitments=[Commitment.objects.get(pk=_commitment_pk())],
        status=GoalStatus.ADOPTED,
        visibility=Visibility.PUBLIC,
    )
    return f"/maal/{goal.public_id}/kopier/"


REGISTER_CSV = (
    "Afdelingsnummer;Afdelingsnavn;Lejemålsnummer;Adresse;Boligtype;Areal;Værelser;"
    "Indflytningsdato;Beboer navn;Beboer_email\n"
    "90;Æblehaven;1;Søvej 1;familie;72,5;3;01-02-2020;Anne Ørsted;\n"
).encode()


def _import_run_path() -> str:
    from almen.imports import services as import_services
    from almen.imports.models import ImportStatus

    run = import_services.import_run_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=CVR_A),
        uploaded_file=SimpleUploadedFile("register.csv", REGISTER_CSV, content_type="text/csv"),
    )
    run = import_services.import_run_validate(run=run)
    assert run.status == ImportStatus.VALIDATED, run.findings
    return f"/import/{CVR_A}/{run.public_id}/godkend/"


@dataclass
class Write:
    """A valid write. ``form``: GET this page as ``form_persona`` and send its form's
    defaults with ``data`` on top (None: send ``data`` only). ``path``: a function that
    creates the object and returns the path (for routes whose id the matrix lacks).
    ``outcomes``: per persona, "ok" or the refusal's status code; by default the GET
    matrix's row (200 → "ok")."""

    data: Callable[[], dict[str, Any]] = dict
    form: bool = True
    form_persona: str = "org_staff"
    path: Callable[[], str] | None = None
    files: Callable[[], dict[str, bytes]] | None = None
    outcomes: dict[str, int | str] | None = None
    ok_status: tuple[int, ...] = (302,)
    settings: dict[str, Any] = field(default_factory=dict)
    writes: bool = True  # False: a POST that only renders (the handout), nothing stored


def _post_only(decision: dict[str, int]) -> dict[str, int | str]:
    return {k: "ok" if v == 200 else v for k, v in decision.items()}


GOAL_MANAGE = EXPECTED["maal/<uuid:public_id>/rediger/"]


def _unsubscribe_path() -> str:
    from almen.accounts.models import User
    from almen.notify.services import unsubscribe_token

    user = User.objects.get(email="beboer.a@almen.demo")
    return f"/konto/beskeder/afmeld/{unsubscribe_token(kind='goals.action_due', user_id=user.pk)}/"


WRITES: dict[str, Write] = {
    # Each person's own choices: every logged-in persona changes their own.
    "konto/beskeder/": Write(data=lambda: {"goals.action_overdue": "off"}),
    # The link in the e-mail is the proof (no login, no CSRF token: one click, RFC 8058):
    # whoever holds it may unsubscribe its owner, and only from that kind.
    "konto/beskeder/afmeld/<str:signed>/": Write(
        form=False,
        path=_unsubscribe_path,
        outcomes={k: "ok" for k in PERSONA_KEYS},
        ok_status=(200,),
    ),
    "organisationer/<str:cvr>/api-tokens/": Write(
        data=lambda: {"name": "Skrivetest", "scopes": [ApiScope.GOALS_READ]},
        ok_status=(200,),  # shows the new token's plaintext this once
    ),
    "organisationer/<str:cvr>/api-tokens/<uuid:token_id>/tilbagekald/": Write(
        data=lambda: {"confirm": "yes"},
        form=False,
        path=_token_path,
        outcomes=_post_only(ORG_A_STAFF_ONLY),
    ),
    # An organisation's contact details: its staff only.
    "organisationer/<str:cvr>/kontakt/rediger/": Write(
        data=lambda: {"contact_phone": "70 10 20 30", "contact_email": "skrivetest@example.dk"}
    ),
    # Erasing a resident's personal data: only the organisation's staff; the matrix's
    # resident (register.testing.RESIDENT_ID) is anonymised by the write.
    "organisationer/<str:cvr>/beboere/<uuid:resident_id>/slet/": Write(
        data=lambda: {"confirm": "yes"}, form=False
    ),
    # Report packs are made by a POST (a GET only asks). A small board or municipality
    # pack is rendered and downloaded at once, writing nothing; here every such pack is
    # a job (a row, and a 302 to its page), so that the write is visible. The handout is
    # always rendered at once: a POST that stores nothing, answered 200 to those let in.
    "rapporter/organisationer/<str:cvr>/bestyrelse.<reportfmt:fmt>": Write(
        form=False, settings={"REPORT_BACKGROUND_GOALS": -1}
    ),
    "rapporter/organisationer/<str:cvr>/kommune/<str:municipality_code>/<int:year>"
    ".<reportfmt:fmt>": Write(form=False, settings={"REPORT_BACKGROUND_GOALS": -1}),
    "rapporter/organisationer/<str:cvr>/afdelinger/<int:number>/afdelingsmoede"
    ".<reportfmt:fmt>": Write(form=False, writes=False, ok_status=(200,)),
    "rapporter/organisationer/<str:cvr>/indstilling/<reportpack:pack>/": Write(
        data=lambda: {"text": "Administrationen indstiller, at bestyrelsen godkender rapporten."}
    ),
    "rapporter/organisationer/<str:cvr>/afdelinger/<int:number>/indstilling/": Write(
        data=lambda: {"text": "Bestyrelsen indstiller, at afdelingsmødet vedtager målene."}
    ),
    "import/<str:cvr>/": Write(
        files=lambda: {"file": REGISTER_CSV},
        outcomes=None,
    ),
    "import/<str:cvr>/<uuid:run_id>/godkend/": Write(
        form=False, path=_import_run_path, outcomes=_post_only(ORG_A_STAFF_ONLY)
    ),
    "maal/ny/<str:cvr>/": Write(
        data=lambda: {
            "title": "Nyt mål fra skrivetesten",
            "commitments": [_commitment_pk()],
            "estate": _estate_a_pk(),
            "status": "draft",
            "visibility": "organisation",
        },
    ),
    "maal/<uuid:public_id>/rediger/": Write(data=lambda: {"title": "Ændret af skrivetesten"}),
    # Only published goals can be copied: a public goal of organisation B, copied
    # into estate A. Those with nowhere to put a copy are refused (403); organisation
    # B's staff have places of their own, but estate A is not one of them: the page
    # says so (200) and nothing is written.
    "maal/<uuid:public_id>/kopier/": Write(
        form=False,
        path=_public_goal_copy_path,
        data=lambda: {"place": f"estate:{CVR_A}:1"},
        outcomes={
            "resident_a": 403,
            "resident_b": 403,
            "estate_board_a": "ok",
            "org_board": 403,
            "org_staff": "ok",
            "other_org_staff": 200,
            "municipality_officer": 403,
            "sector_staff": 403,
            ANON: 302,
        },
    ),
    "maal/<uuid:public_id>/indikatorer/ny/": Write(
        data=lambda: {
            "title": "Ny indikator",
            "unit": "antal",
            "direction": "increase",
            "baseline_value": "10",
            "baseline_date": "2025-09-01",
            "target_value": "20",
            "target_date": "2028-09-01",
        }
    ),
    "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/rediger/": Write(
        data=lambda: {"title": "Ændret indikator"}
    ),
    "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/maalinger/": Write(
        form=False,
        data=lambda: {"date": "2026-01-15", "value": "14"},
        outcomes=_post_only(GOAL_MANAGE),
    ),
    "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/import/": Write(
        files=lambda: {"file": "dato;værdi\n15-01-2026;14\n".encode()}
    ),
    "maal/<uuid:public_id>/indsatser/ny/": Write(data=lambda: {"title": "Ny indsats"}),
    "maal/<uuid:public_id>/indsatser/<uuid:action_id>/rediger/": Write(
        data=lambda: {"title": "Ændret indsats"}
    ),
    "maal/<uuid:public_id>/status/ny/": Write(
        data=lambda: {"date": "2026-06-01", "assessment": "on_track", "worked": "Fælles aflæsning."}
    ),
    # People and roles (almen/people): the organisation's staff. Ends and account
    # changes ask first (a POST without confirm only shows the question).
    "organisationer/<str:cvr>/personer/inviter/": Write(
        data=lambda: {"name": "Ny Kollega", "email": "ny.kollega@skrivetest.dk"}
    ),
    "organisationer/<str:cvr>/personer/roller/ny/": Write(
        data=lambda: {"email": "bestyrelse.a@almen.demo", "role": "org_board"}
    ),
    "organisationer/<str:cvr>/personer/roller/<int:id>/afslut/": Write(
        form=False,
        path=people_testing.role_end_path,
        data=lambda: {"confirm": "yes", "on": people_testing.today()},
        outcomes=_post_only(ORG_A_STAFF_ONLY),
    ),
    "organisationer/<str:cvr>/personer/organer/<slug:body>/ny/": Write(
        data=lambda: {"name": "Nyt Medlem", "email": "nyt.medlem@skrivetest.dk"}
    ),
    # Estate A's only board member: ending the seat needs the explicit "leave it empty".
    "organisationer/<str:cvr>/personer/medlemmer/<int:id>/afslut/": Write(
        form=False,
        path=people_testing.seat_end_path,
        data=lambda: {"confirm": "yes", "on": people_testing.today(), "allow_empty": "on"},
        outcomes=_post_only(ORG_A_STAFF_ONLY),
    ),
    "organisationer/<str:cvr>/personer/invitationer/<int:id>/tilbagekald/": Write(
        form=False,
        path=people_testing.invitation_revoke_path,
        outcomes=_post_only(ORG_A_STAFF_ONLY),
    ),
    "organisationer/<str:cvr>/personer/konti/<uuid:public_id>/deaktiver/": Write(
        form=False,
        path=people_testing.account_deactivate_path,
        data=lambda: {"confirm": "yes"},
        outcomes=_post_only(ORG_A_STAFF_ONLY),
    ),
    "organisationer/<str:cvr>/personer/konti/<uuid:public_id>/genaktiver/": Write(
        form=False,
        path=people_testing.account_reactivate_path,
        data=lambda: {"confirm": "yes"},
        outcomes=_post_only(ORG_A_STAFF_ONLY),
    ),
    # New codes for estate A's households without a login, and the PDF (200).
    "organisationer/<str:cvr>/afdelinger/<int:number>/aktiveringsbreve/": Write(
        form=False, ok_status=(200,)
    ),
    # The token or the letter's code is the key: whoever holds it may use it.
    "invitation/<str:key>/": Write(
        form=False,
        path=people_testing.accept_path,
        data=lambda: {
            "password1": "en-lang-adgangskode-2026",
            "password2": "en-lang-adgangskode-2026",
        },
        outcomes=dict.fromkeys(PERSONA_KEYS, "ok"),
    ),
    "aktiver/": Write(
        form=False,
        path=people_testing.activate_path,
        data=people_testing.activate_data,
        outcomes=dict.fromkeys(PERSONA_KEYS, "ok"),
    ),
    "styringsdialog/ny/": Write(
        data=lambda: {"year": "2027"},
        # Organisation B's staff may create dialogues for B, not for A: the form
        # refuses organisation A (400) and nothing is written.
        outcomes={
            **_post_only(EXPECTED["styringsdialog/ny/"]),
            "other_org_staff": 400,
        },
    ),
    "styringsdialog/<uuid:dialogue_id>/rediger/": Write(
        data=lambda: {"meeting_place": "Skrivetestens mødelokale"}
    ),
    "styringsdialog/<uuid:dialogue_id>/aftaler/ny/": Write(
        data=lambda: {"title": "Ny aftale fra skrivetesten"}
    ),
    "styringsdialog/<uuid:dialogue_id>/aftaler/<uuid:agreement_id>/rediger/": Write(
        data=lambda: {"title": "Ændret aftale"}
    ),
    "styringsdialog/<uuid:dialogue_id>/aftaler/<uuid:agreement_id>/opfoelgning/": Write(
        data=lambda: {"follow_up_status": "done", "follow_up_note": "Klaret."}
    ),
    # Attachments: a file on the matrix goal (the test names every upload
    # "upload.csv"), and removing the matrix attachment after its confirmation page.
    "bilag/<slug:kind>/<str:owner>/": Write(
        data=lambda: {"kind": "referat"},
        files=lambda: {"file": b"Dato;Emne\n01-03-2026;Referat\n"},
        outcomes=_post_only(GOAL_MANAGE),
    ),
    "bilag/fil/<uuid:attachment_id>/slet/": Write(),
}

# The democracy's parts keep their rows beside their code (almen/democracy/tests/).
# Merged here, before the tests' parameters are taken from the table (at the end of
# the module they came too late: no democracy row was ever tested).
from almen.democracy.tests import (  # noqa: E402
    writes_ballots_admin,
    writes_ballots_elections,
    writes_ballots_platform,
    writes_ballots_vote,
    writes_hall,
    writes_meetings,
    writes_minutes,
    writes_notices,
    writes_proposals,
    writes_stats,
)

for _part in (
    writes_meetings,
    writes_notices,
    writes_proposals,
    writes_hall,
    writes_minutes,
    writes_stats,
    writes_ballots_vote,
    writes_ballots_admin,
    writes_ballots_elections,
    writes_ballots_platform,
):
    WRITES.update(_part.WRITES)


# The API's writes are token-authenticated: test_api_writes.
# Grøn drift's parts keep theirs in almen/green/tests/writes_<part>.py: every such
# module is merged, so a new part adds its file and nothing here.
import importlib  # noqa: E402
import pkgutil  # noqa: E402

import almen.green.tests as _green_tests  # noqa: E402

for _info in sorted(pkgutil.iter_modules(_green_tests.__path__), key=lambda m: m.name):
    if _info.name.startswith("writes_"):
        WRITES.update(importlib.import_module(f"almen.green.tests.{_info.name}").WRITES)


API_WRITES = {
    "api/v1/imports",
    "api/v1/goals/<public_id>/indicators/<indicator_id>/measurements",
    "api/v1/goals/<public_id>/actions",
    "api/v1/goals/<public_id>/actions/<action_id>",
    "api/v1/goals/<public_id>/reviews",
}
# … and grøn drift's parts' API writes (``API_WRITES`` in their writes_<part>.py).
for _info in sorted(pkgutil.iter_modules(_green_tests.__path__), key=lambda m: m.name):
    if _info.name.startswith("writes_"):
        _module = importlib.import_module(f"almen.green.tests.{_info.name}")
        API_WRITES.update(getattr(_module, "API_WRITES", set()))
# Pages on the requester's own account (allauth) and the language switch: no object
# of anyone else's is addressed, so there is no outsider. A POST to them must still
# leave the project's data as it was (test_self_service_posts_touch_no_data).
SELF_SERVICE_PREFIXES = ("konto/", "i18n/")


# Read-only routes that answer a POST with something other than 405 (the API's root),
# with what they answer: they write nothing. The schema and docs answer 405 like pages.
READ_ONLY_POST = {"api/v1/": {404}}


def classify(route: str) -> str:
    if route in WRITES:
        return "write"
    if route in API_WRITES:
        return "api"
    if route.startswith(SELF_SERVICE_PREFIXES) and route != "konto/profil/":
        return "self"
    if route == "admin/logout/":
        return "self"  # logs the requester out: their own session
    if route.startswith("admin/"):
        return "admin"
    return "read-only"


def outcomes_for(route: str, write: Write) -> dict[str, int | str]:
    if write.outcomes is not None:
        return write.outcomes
    return {k: "ok" if v == 200 else v for k, v in EXPECTED[route].items()}


def csrf_client(persona: str, cast: dict[str, Any]) -> Client:
    client = Client(enforce_csrf_checks=True)
    user = cast[persona].user
    if user is not None:
        login_with_mfa(client, user)
    client.cookies["csrftoken"] = CSRF
    return client


def build_request(route: str, write: Write, cast: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    path = write.path() if write.path else concrete(route)
    data: dict[str, Any] = {}
    if write.form:
        page = csrf_client(write.form_persona, cast).get(path)
        assert page.status_code == 200, (route, page.status_code)
        data = form_defaults(page.content.decode(), path)
    data.update(write.data())
    data["csrfmiddlewaretoken"] = CSRF
    return path, data


def test_every_route_is_classified() -> None:
    writes = [route for route in routes() if classify(route) == "write"]
    assert sorted(writes) == sorted(WRITES), "WRITES names a route that does not exist"
    present = set(routes())
    assert present >= API_WRITES, API_WRITES - present


def _upload(write: Write) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for name, content in (write.files() if write.files else {}).items():
        files[name] = io.BytesIO(content)
        files[name].name = "upload.csv"
    return files


@pytest.mark.parametrize("route", sorted(WRITES))
def test_write(route: str, cast) -> None:
    """The write as each persona, each in a savepoint that is rolled back (so an
    insider's successful write does not change what the next persona meets)."""
    write = WRITES[route]
    path, data = build_request(route, write, cast)
    outcomes = outcomes_for(route, write)
    problems = []
    for persona in PERSONA_KEYS:
        expected = outcomes[persona]
        client = csrf_client(persona, cast)
        with transaction.atomic(), override_settings(**write.settings):
            before = fingerprint()
            response = client.post(path, {**data, **_upload(write)})
            touched = changed(before)
            transaction.set_rollback(True)
        status = response.status_code
        if expected == "ok" and (status not in write.ok_status or bool(touched) != write.writes):
            problems.append(f"{persona}: {status}, changed {touched}; expected a write")
        elif expected != "ok" and (status != expected or touched):
            problems.append(f"{persona}: {status}, changed {touched}; expected {expected}")
    assert not problems, f"POST {path}:\n" + "\n".join(problems)


def test_refused_without_csrf_token(cast) -> None:
    """A write without the CSRF token is refused before anything else, even for staff."""
    route = "maal/<uuid:public_id>/rediger/"
    path, data = build_request(route, WRITES[route], cast)
    data.pop("csrfmiddlewaretoken")
    before = fingerprint()
    response = csrf_client("org_staff", cast).post(path, data)
    assert response.status_code == 403
    assert not changed(before)


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_read_only_routes_refuse_posts(persona: str, cast) -> None:
    """Every page that does not write answers POST with 405 (anonymous visitors may
    be sent to the login page first) and changes nothing."""
    client = csrf_client(persona, cast)
    before = fingerprint()
    wrong = []
    for route in routes():
        if classify(route) != "read-only":
            continue
        response = client.post(concrete(route), {"csrfmiddlewaretoken": CSRF})
        allowed = READ_ONLY_POST.get(route) or ({405, 302} if persona == ANON else {405})
        if response.status_code not in allowed:
            wrong.append((route, response.status_code))
    assert not wrong, f"POST as {persona}: {wrong}"
    assert not changed(before)


# The admin's gate is one check (``is_staff`` and active), the same for every non-
# superuser persona, and the GET matrix already covers every persona: POSTs are sent
# as a visitor and as the persona with the most rights (organisation staff).
@pytest.mark.parametrize("persona", [ANON, "org_staff"])
def test_admin_refuses_everyone_but_superusers(persona: str, cast) -> None:
    client = csrf_client(persona, cast)
    before = fingerprint()
    wrong = []
    for route in routes():
        if classify(route) != "admin" or route == "admin/login/":
            continue
        response = client.post(concrete(route), {"csrfmiddlewaretoken": CSRF})
        if response.status_code != 302 or "/admin/login/" not in response["Location"]:
            wrong.append((route, response.status_code))
    assert not wrong, f"POST as {persona}: {wrong}"
    assert not changed(before)


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_self_service_posts_touch_no_data(persona: str, cast) -> None:
    client = csrf_client(persona, cast)
    before = fingerprint()
    errors = []
    for route in routes():
        if classify(route) != "self":
            continue
        response = client.post(concrete(route), {"csrfmiddlewaretoken": CSRF})
        if response.status_code >= 500:
            errors.append((route, response.status_code))
    assert not errors
    assert not changed(before)


# --- the API's writes -----------------------------------------------------------------


def _token(cvr: str, scopes: list[str]) -> str:
    _token_obj, plaintext = register_tokens.api_token_create(
        actor=None, organisation=Organisation.objects.get(cvr=cvr), name="Test", scopes=scopes
    )
    return plaintext


API_CALLERS = ["session_org_staff", "token_a_write", "token_a_read", "token_b_write", "none"]


@pytest.mark.parametrize("caller", API_CALLERS)
def test_api_writes(caller: str, cast, client_for) -> None:
    """Writes through the API need a token of the goal's organisation with the right
    scope; a session (even staff's) is not a token, and a token of another organisation
    finds nothing. Refused calls change nothing."""
    from almen.goals.testing import ACTION_ID, GOAL_ID, INDICATOR_ID

    headers: dict[str, str] = {}
    client = client_for("org_staff") if caller == "session_org_staff" else Client()
    if caller.startswith("token"):
        cvr = CVR_A if "_a_" in caller else "31415926"
        scopes = [ApiScope.GOALS_WRITE] if caller.endswith("write") else [ApiScope.GOALS_READ]
        headers["Authorization"] = f"Bearer {_token(cvr, [*scopes, ApiScope.REGISTER_IMPORT])}"
    calls = [
        (
            "post",
            f"/api/v1/goals/{GOAL_ID}/indicators/{INDICATOR_ID}/measurements",
            [{"date": "2026-01-15", "value": "14"}],
        ),
        ("post", f"/api/v1/goals/{GOAL_ID}/actions", {"title": "Indsats fra API'et"}),
        ("patch", f"/api/v1/goals/{GOAL_ID}/actions/{ACTION_ID}", {"status": "in_progress"}),
        (
            "post",
            f"/api/v1/goals/{GOAL_ID}/reviews",
            {"date": "2026-06-01", "assessment": "on_track", "worked": "Godt."},
        ),
    ]
    expected = {
        "session_org_staff": 401,
        "none": 401,
        "token_a_read": 403,
        "token_b_write": 404,
        "token_a_write": "ok",
    }[caller]
    for method, url, body in calls:
        before = fingerprint()
        response = getattr(client, method)(
            url, json.dumps(body), content_type="application/json", headers=headers
        )
        touched = changed(before)
        if expected == "ok":
            assert response.status_code in (200, 201), (url, response.content[:300])
            assert touched, url
        else:
            assert response.status_code == expected, (caller, url, response.status_code)
            assert not touched, (caller, url, touched)
    # The register import: any organisation's token with register:import imports into
    # its own organisation only; without a token nothing happens.
    before = fingerprint()
    response = client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("register.csv", REGISTER_CSV, content_type="text/csv")},
        headers=headers,
    )
    if caller.startswith("token"):
        assert response.status_code in (200, 201, 202), response.content[:300]
        org = Organisation.objects.get(cvr=CVR_A if "_a_" in caller else "31415926")
        from almen.imports.models import ImportRun

        assert ImportRun.objects.filter(organisation=org).exists()
        assert not ImportRun.objects.exclude(organisation=org).exists()
    else:
        assert response.status_code == 401
        assert not changed(before)
