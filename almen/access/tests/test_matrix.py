"""The authorisation matrix: every URL in the URL conf × every persona.

The table below is the decision. A URL that is added without a row here fails
``test_every_url_has_a_decision``; a row whose outcome changes fails the matrix.
Outcomes are HTTP status codes for GET (302 means "sent elsewhere": to the login
page for anonymous visitors, away from the login page for logged-in users).

Writes are in test_writes.py: every POST/PATCH route is sent a real, valid write as
every persona, and those this table keeps out must change nothing (a route that accepts
POST without a row there fails its read-only check). What a page *shows* each persona
is in test_content.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from almen.conftest import PERSONA_KEYS

ANON = "anonymous"
LOGGED_IN = [k for k in PERSONA_KEYS if k != ANON]

# Concrete values for route parameters (the demo's organisation A, estate 1).
ARGS = {
    "cvr": "29190909",
    "number": "1",
    "slug": "2026-2028",
    "code": "1.3",
    "object_id": "1",
    "id": "1",
    "url": "",
    "provider_id": "mitid",
    "key": "x-y",
    "uidb36": "1",
    "app_label": "register",
    "content_type_id": "1",
    "run_id": "0b9c2f4e-5d1a-4c3b-9e8f-7a6b5c4d3e2f",
    # No token exists in the matrix's database: the revoke URL is POST-only anyway.
    "token_id": "00000000-0000-4000-8000-000000000000",
    # The matrix goal (almen/goals/testing.py); no estate has this id, so the estate
    # API answers 404 to everyone.
    "public_id": "00000000-0000-4000-8000-0000000000a1",
    "indicator_id": "00000000-0000-4000-8000-0000000000b1",
    "action_id": "00000000-0000-4000-8000-0000000000c1",
    # The matrix styringsdialog (almen/dialogue/testing.py).
    "dialogue_id": "00000000-0000-4000-8000-0000000000d1",
    "agreement_id": "00000000-0000-4000-8000-0000000000e1",
    # Report packs: organisation A's municipality (København) and year; no job exists.
    "fmt": "pdf",
    "year": "2026",
    "municipality_code": "0101",
    "job_id": "00000000-0000-4000-8000-0000000000f1",
    "pack": "bestyrelse",  # the board report's "indstilling"
    # Persona resident_a's record (almen/register/testing.py).
    "resident_id": "00000000-0000-4000-8000-0000000000a7",
    # Attachments: the matrix goal's files, and its one attachment
    # (almen/attachments/tests/matrix.py).
    "kind": "maal",
    "owner": "00000000-0000-4000-8000-0000000000a1",
    "attachment_id": "00000000-0000-4000-8000-0000000000a8",
    # An unsubscribe link that we did not sign.
    "signed": "ugyldigt-link",
    # People: estate A's board (organisation A, estate 1).
    "body": "afdeling-1",
    # Democracy (almen/democracy/testing.py): estate A's noticed ordinary meeting,
    # resident_a's proposal (not yet accepted), a petition and a published decision.
    "meeting_id": "00000000-0000-4000-8000-000000000101",
    "proposal_id": "00000000-0000-4000-8000-000000000102",
    "petition_id": "00000000-0000-4000-8000-000000000103",
    "decision_id": "00000000-0000-4000-8000-000000000104",
}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONA_KEYS, status)


def login_required(status: int = 200) -> dict[str, int]:
    return {**dict.fromkeys(LOGGED_IN, status), ANON: 302}


RESIDENTS = ["resident_a", "resident_b"]
BOARDS = ["estate_board_a", "org_board"]
STAFF = ["org_staff", "other_org_staff", "municipality_officer", "sector_staff"]


def by_kind(*, residents: int, boards: int, staff: int, anonymous: int) -> dict[str, int]:
    return {
        **dict.fromkeys(RESIDENTS, residents),
        **dict.fromkeys(BOARDS, boards),
        **dict.fromkeys(STAFF, staff),
        ANON: anonymous,
    }


def anonymous_only(status: int = 200) -> dict[str, int]:
    """allauth's pages for logging in: logged-in users are sent on."""
    return {**dict.fromkeys(LOGGED_IN, 302), ANON: status}


# Organisation A's own administration: its staff act, its members and those it
# shares with read-only (403), everyone else is an outsider (404).
ORG_A_STAFF_ONLY = {
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 403,
    "org_board": 403,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 403,
    "sector_staff": 404,
    ANON: 302,
}
# Personal data of estate A's residents: the organisation and the estate's own board.
ESTATE_A_PERSONAL_DATA = {
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 403,
    "org_staff": 200,
    "other_org_staff": 403,
    "municipality_officer": 403,
    "sector_staff": 403,
    ANON: 302,
}
# The matrix goal: estate A's, shared with the organisation. Its organisation's
# members read it; organisation staff and estate A's board manage it.
GOAL_READ = {
    "resident_a": 200,
    "resident_b": 200,
    "estate_board_a": 200,
    "org_board": 200,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    ANON: 302,
}
GOAL_MANAGE = {**GOAL_READ, "resident_a": 403, "resident_b": 403, "org_board": 403}
# Creating goals in organisation A: its staff, and estate A's board for its estate.
GOAL_CREATE = {
    "resident_a": 403,
    "resident_b": 403,
    "estate_board_a": 200,
    "org_board": 403,
    "org_staff": 200,
    "other_org_staff": 404,
    "municipality_officer": 404,
    "sector_staff": 404,
    ANON: 302,
}
# The matrix styringsdialog: organisation A with København. Both sides write (A's
# staff, København's officer); A's board reads; everyone else is an outsider.
DIALOGUE_WRITE = {
    **everyone(404),
    "org_board": 403,
    "org_staff": 200,
    "municipality_officer": 200,
    ANON: 302,
}
DIALOGUE_READ = {**DIALOGUE_WRITE, "org_board": 200}
# Report packs (almen/reports/access.py). The board report: organisation A's staff
# and board; members and its municipality's officer read-only (403).
REPORT_BOARD = {**ORG_A_STAFF_ONLY, "org_board": 200}
# The residents' handout for estate A: its residents and board, organisation staff
# and board.
REPORT_HANDOUT = {**REPORT_BOARD, "resident_a": 200, "estate_board_a": 200}
# The styringsdialog pack for København: also København's officer.
REPORT_MUNICIPALITY = {**REPORT_BOARD, "municipality_officer": 200}
# The list of packs: everyone who may read at least one of them.
REPORT_INDEX = {**REPORT_HANDOUT, "resident_b": 200, "municipality_officer": 200}
# Django admin: superusers only; everyone else is sent to the admin login.
ADMIN = everyone(302)

EXPECTED: dict[str, dict[str, int]] = {
    # web
    "": everyone(200),
    "organisationer/": everyone(200),
    "organisationer/<str:cvr>/": everyone(200),
    "organisationer/<str:cvr>/log/": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/api-tokens/": ORG_A_STAFF_ONLY,
    # POST-only (a POST asks for confirmation, a second POST revokes): GET is 405 for
    # everyone, before any access decision.
    "organisationer/<str:cvr>/api-tokens/<uuid:token_id>/tilbagekald/": everyone(405),
    "organisationer/<str:cvr>/afdelinger/<int:number>/": everyone(200),
    "organisationer/<str:cvr>/afdelinger/<int:number>/beboere/": ESTATE_A_PERSONAL_DATA,
    # Site pages: public. The contact page is public; its staff edit it.
    "tilgaengelighed/": everyone(200),
    "privatliv/": everyone(200),
    "cookies/": everyone(200),
    "status/": everyone(200),
    "organisationer/<str:cvr>/kontakt/": everyone(200),
    "organisationer/<str:cvr>/kontakt/rediger/": ORG_A_STAFF_ONLY,
    # Residents' data for a data-protection request (find, read, export, erase): the
    # organisation's staff only (the data controller), not the estate's board.
    "organisationer/<str:cvr>/beboere/": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/beboere/<uuid:resident_id>/": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/beboere/<uuid:resident_id>/eksport.json": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/beboere/<uuid:resident_id>/eksport.csv": ORG_A_STAFF_ONLY,
    # GET shows what will be erased; only a confirmed POST erases.
    "organisationer/<str:cvr>/beboere/<uuid:resident_id>/slet/": ORG_A_STAFF_ONLY,
    "import/<str:cvr>/": ORG_A_STAFF_ONLY,
    # A run id that does not exist (ARGS): staff get 404, everyone else the same
    # answer as for the organisation's import page.
    "import/<str:cvr>/<uuid:run_id>/": {**ORG_A_STAFF_ONLY, "org_staff": 404},
    "import/<str:cvr>/<uuid:run_id>/godkend/": everyone(405),  # POST only
    "healthz": everyone(200),
    # Democracy (almen/democracy, decision 0029). The matrix decision is estate A's,
    # published to the organisation: estate A's residents and board, the organisation's
    # staff and board read it; the organisation's other members get 403.
    "beslutninger/<uuid:decision_id>/": {
        **ORG_A_STAFF_ONLY,
        "resident_a": 200,
        "estate_board_a": 200,
        "org_board": 200,
        "municipality_officer": 404,
    },
    # People and roles (almen/people): the organisation's staff only. Ending roles and
    # seats, revoking invitations and (de)activating accounts are POST-only.
    "personer/": {**login_required(404), "org_staff": 302, "other_org_staff": 302},
    "organisationer/<str:cvr>/personer/": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/personer/inviter/": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/personer/roller/ny/": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/personer/roller/<int:id>/afslut/": everyone(405),
    "organisationer/<str:cvr>/personer/organer/<slug:body>/ny/": ORG_A_STAFF_ONLY,
    "organisationer/<str:cvr>/personer/medlemmer/<int:id>/afslut/": everyone(405),
    "organisationer/<str:cvr>/personer/invitationer/<int:id>/tilbagekald/": everyone(405),
    "organisationer/<str:cvr>/personer/konti/<uuid:public_id>/deaktiver/": everyone(405),
    "organisationer/<str:cvr>/personer/konti/<uuid:public_id>/genaktiver/": everyone(405),
    # Estate A's board page: the board itself, the organisation's staff and board; the
    # organisation's other members and its municipality read-only (403).
    "organisationer/<str:cvr>/afdelinger/<int:number>/bestyrelse/": {
        **ORG_A_STAFF_ONLY,
        "estate_board_a": 200,
        "org_board": 200,
    },
    # Activation letters name households: the organisation's staff (data controller).
    "organisationer/<str:cvr>/afdelinger/<int:number>/aktiveringsbreve/": ORG_A_STAFF_ONLY,
    # The invited and the activated: no login needed (the token or code is the key).
    "invitation/<str:key>/": everyone(404),  # unknown token (ARGS)
    "aktiver/": everyone(200),
    # Report packs
    "rapporter/organisationer/<str:cvr>/": REPORT_INDEX,
    "rapporter/organisationer/<str:cvr>/bestyrelse.<reportfmt:fmt>": REPORT_BOARD,
    "rapporter/organisationer/<str:cvr>/afdelinger/<int:number>/afdelingsmoede.<reportfmt:fmt>": (
        REPORT_HANDOUT
    ),
    (
        "rapporter/organisationer/<str:cvr>/kommune/<str:municipality_code>/"
        "<int:year>.<reportfmt:fmt>"
    ): REPORT_MUNICIPALITY,
    # The "indstilling" to the board: the administration's, organisation A's staff only.
    "rapporter/organisationer/<str:cvr>/indstilling/<reportpack:pack>/": ORG_A_STAFF_ONLY,
    # The handout's indstilling to the residents' meeting: the staff or the estate board.
    "rapporter/organisationer/<str:cvr>/afdelinger/<int:number>/indstilling/": {
        **ORG_A_STAFF_ONLY,
        "estate_board_a": 200,
    },
    # Background jobs are the requester's own; no job exists in the matrix (ARGS).
    "rapporter/organisationer/<str:cvr>/job/<uuid:job_id>/": login_required(404),
    "rapporter/organisationer/<str:cvr>/job/<uuid:job_id>/hent/": login_required(404),
    # Almene mål: the published framework is public
    "almene-maal/": everyone(200),
    "almene-maal/<slug:slug>/": everyone(200),
    "almene-maal/<slug:slug>/pejlemaerke-<int:number>/": everyone(200),
    "almene-maal/<slug:slug>/<code:code>/": everyone(200),
    # Local goals
    "maal/": everyone(200),
    "maal/ny/<str:cvr>/": GOAL_CREATE,
    "maal/<uuid:public_id>/": GOAL_READ,
    "maal/<uuid:public_id>/rediger/": GOAL_MANAGE,
    # Copy ("use this goal"): needs a place to put it — staff or an estate board.
    "maal/<uuid:public_id>/kopier/": {**GOAL_MANAGE, "org_board": 403},
    "maal/<uuid:public_id>/indikatorer/ny/": GOAL_MANAGE,
    "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/rediger/": GOAL_MANAGE,
    "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/maalinger/": everyone(405),
    "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/import/": GOAL_MANAGE,
    "maal/<uuid:public_id>/indsatser/ny/": GOAL_MANAGE,
    "maal/<uuid:public_id>/indsatser/<uuid:action_id>/rediger/": GOAL_MANAGE,
    "maal/<uuid:public_id>/status/ny/": GOAL_MANAGE,
    "mine-indsatser/": login_required(),
    "inspiration/": everyone(200),
    "almene-maal/overblik/": everyone(200),
    # CSV downloads are authorised like the page they sit on.
    "almene-maal/overblik/punkter.csv": everyone(200),
    "almene-maal/overblik/sammenlagt.csv": everyone(200),
    "almene-maal/overblik/regioner.csv": everyone(200),
    "almene-maal/overblik/kommuner.csv": everyone(200),
    "almene-maal/<slug:slug>/<code:code>/maal.csv": everyone(200),
    "maal/<uuid:public_id>/indikatorer.csv": GOAL_READ,
    "maal/<uuid:public_id>/indikatorer/<uuid:indicator_id>/maalinger.csv": GOAL_READ,
    # The municipality's overview is for its officers.
    "kommune/": {**everyone(404), "municipality_officer": 200, ANON: 302},
    "kommune/maal.csv": {**everyone(404), "municipality_officer": 200, ANON: 302},
    # Styringsdialog: the list shows each person what they may see (often nothing);
    # creating needs an organisation's staff or a municipality's officer (organisation
    # B's staff create for B).
    "styringsdialog/": login_required(),
    "styringsdialog/ny/": {
        **login_required(403),
        "org_staff": 200,
        "other_org_staff": 200,
        "municipality_officer": 200,
    },
    "styringsdialog/<uuid:dialogue_id>/": DIALOGUE_READ,
    "styringsdialog/<uuid:dialogue_id>/rediger/": DIALOGUE_WRITE,
    "styringsdialog/<uuid:dialogue_id>/aftaler/ny/": DIALOGUE_WRITE,
    "styringsdialog/<uuid:dialogue_id>/aftaler/<uuid:agreement_id>/rediger/": DIALOGUE_WRITE,
    "styringsdialog/<uuid:dialogue_id>/aftaler/<uuid:agreement_id>/opfoelgning/": DIALOGUE_WRITE,
    # Attachments: read by the owner's readers, added and removed by its managers (the
    # owner's module decides; here the matrix goal's). The other owner kinds (review,
    # action, styringsdialog) are walked persona by persona in
    # almen/attachments/tests/test_access.py.
    "bilag/<slug:kind>/<str:owner>/": GOAL_READ,
    "bilag/fil/<uuid:attachment_id>/": GOAL_READ,
    "bilag/fil/<uuid:attachment_id>/slet/": GOAL_MANAGE,
    "i18n/setlang/": everyone(302),
    # allauth: logging in. Residents have no password (they log in with an e-mail
    # code), boards have a password, staff have a password and TOTP.
    "konto/login/": anonymous_only(),
    "konto/login/code/": anonymous_only(),
    "konto/login/code/confirm/": everyone(302),  # nothing to confirm: back to the start
    "konto/logout/": login_required(),
    "konto/inactive/": everyone(200),
    "konto/signup/": anonymous_only(),  # shows "sign-up is closed"
    "konto/reauthenticate/": by_kind(residents=403, boards=200, staff=200, anonymous=302),
    "konto/reauthenticate/code/": by_kind(residents=403, boards=302, staff=302, anonymous=302),
    "konto/reauthenticate/code/confirm/": everyone(302),
    "konto/email/": login_required(),
    "konto/confirm-email/": everyone(200),
    "konto/^confirm-email/(?P<key>[-:\\w]+)/$": everyone(404),  # unknown key
    "konto/password/change/": by_kind(residents=302, boards=200, staff=200, anonymous=302),
    "konto/password/set/": by_kind(residents=200, boards=302, staff=302, anonymous=302),
    "konto/password/reset/": everyone(200),
    "konto/password/reset/done/": everyone(200),
    "konto/password/reset/key/done/": everyone(200),
    "konto/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": everyone(404),
    "konto/profil/": login_required(),
    # A person's own choice of messages, and the signed unsubscribe link of every e-mail
    # (no login; the matrix's link is not signed by us: 404 for everyone).
    "konto/beskeder/": login_required(),
    "konto/beskeder/afmeld/<str:signed>/": everyone(404),
    # allauth: two-factor (staff already have TOTP; residents have no password to
    # re-authenticate with, so the MFA set-up is not theirs to change).
    "konto/2fa/": login_required(),
    "konto/2fa/authenticate/": everyone(302),
    "konto/2fa/reauthenticate/": by_kind(residents=403, boards=302, staff=200, anonymous=302),
    "konto/2fa/totp/activate/": by_kind(residents=403, boards=302, staff=302, anonymous=302),
    "konto/2fa/totp/deactivate/": by_kind(residents=404, boards=404, staff=302, anonymous=302),
    "konto/2fa/recovery-codes/": login_required(404),
    "konto/2fa/recovery-codes/generate/": by_kind(
        residents=403, boards=302, staff=302, anonymous=302
    ),
    "konto/2fa/recovery-codes/download/": login_required(404),
    # allauth: OpenID Connect (MitID broker); no provider is configured in tests,
    # so its login URLs answer 404 (the OIDC test configures one).
    "konto/3rdparty/": login_required(),
    "konto/3rdparty/login/cancelled/": everyone(200),
    "konto/3rdparty/login/error/": everyone(401),
    "konto/3rdparty/signup/": everyone(302),
    "konto/social/login/cancelled/": everyone(301),
    "konto/social/login/error/": everyone(301),
    "konto/social/signup/": everyone(301),
    "konto/social/connections/": everyone(301),
    "konto/oidc/^(?P<provider_id>[^/]+)/login/": everyone(404),
    "konto/oidc/^(?P<provider_id>[^/]+)/login/callback/": everyone(404),
    # Django admin: its login page is allauth's (one login door, password + TOTP):
    # anonymous visitors are sent there, logged-in people who are not admin staff get a
    # 403. The rest of the admin sends non-staff to the admin login.
    "admin/login/": login_required(403),
    # API (public read endpoints; token-protected ones answer 401 without a token)
    "api/v1/": everyone(404),
    "api/v1/openapi.json": everyone(200),
    "api/v1/docs": everyone(200),
    "api/v1/frameworks/current": everyone(200),
    "api/v1/municipalities": everyone(200),
    "api/v1/organisations": everyone(200),
    "api/v1/organisations/<cvr>": everyone(200),
    "api/v1/organisations/<cvr>/estates": everyone(200),
    "api/v1/estates/<public_id>": everyone(404),  # unknown id (ARGS)
    "api/v1/me": everyone(401),  # needs an API token; a logged-in session is not one
    "api/v1/imports": everyone(405),  # POST only (with an API token)
    "api/v1/imports/<run_id>": everyone(401),  # needs an API token
    # Goals: public reads (a session is not a token, so the matrix goal, shared only
    # with its organisation, is 404 for everyone); writes need a token with goals:write.
    "api/v1/goals": everyone(200),
    "api/v1/goals/<public_id>": everyone(404),
    "api/v1/goals/<public_id>/indicators/<indicator_id>/measurements": everyone(404),
    "api/v1/goals/<public_id>/actions": everyone(405),  # POST only
    "api/v1/goals/<public_id>/actions/<action_id>": everyone(405),  # PATCH only
    "api/v1/goals/<public_id>/reviews": everyone(405),  # POST only
    "api/v1/open-data.zip": everyone(200),
}
PREFIX_RULES: dict[str, dict[str, int]] = {"admin/": ADMIN}

# The democracy's parts keep their rows beside their code (almen/democracy/tests/).
# Merged here, before the tests' parameters are taken from the table (at the end of
# the module they came too late: no democracy row was ever tested).
from almen.democracy.tests import (  # noqa: E402
    matrix_ballots_admin,
    matrix_ballots_audit,
    matrix_ballots_elections,
    matrix_ballots_platform,
    matrix_ballots_vote,
    matrix_hall,
    matrix_meetings,
    matrix_minutes,
    matrix_notices,
    matrix_proposals,
    matrix_stats,
)

for _part in (
    matrix_meetings,
    matrix_notices,
    matrix_proposals,
    matrix_hall,
    matrix_minutes,
    matrix_stats,
    matrix_ballots_audit,
    matrix_ballots_vote,
    matrix_ballots_admin,
    matrix_ballots_elections,
    matrix_ballots_platform,
):
    EXPECTED.update(_part.EXPECTED)


# Grøn drift's parts keep theirs in almen/green/tests/matrix_<part>.py: every such
# module is merged, so a new part adds its file and nothing here.
import importlib  # noqa: E402
import pkgutil  # noqa: E402

import almen.green.tests as _green_tests  # noqa: E402

for _info in sorted(pkgutil.iter_modules(_green_tests.__path__), key=lambda m: m.name):
    if _info.name.startswith("matrix_"):
        _module = importlib.import_module(f"almen.green.tests.{_info.name}")
        EXPECTED.update(_module.EXPECTED)
        ARGS.update(getattr(_module, "ARGS", {}))  # its route parameters' values


def routes() -> Iterator[str]:
    def walk(resolver: URLResolver, prefix: str) -> Iterator[str]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    seen: set[str] = set()
    for route in walk(get_resolver(), ""):
        if route not in seen:
            seen.add(route)
            yield route


def expected_for(route: str) -> dict[str, int] | None:
    if route in EXPECTED:
        return EXPECTED[route]
    for prefix, rule in PREFIX_RULES.items():
        if route.startswith(prefix):
            return rule
    return None


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:\[[^\]]*\]|[^)])*\)")


def concrete(route: str) -> str:
    path = _CONVERTER.sub(lambda m: ARGS[m.group(1)], route)
    path = _REGEX_GROUP.sub(lambda m: ARGS[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


def test_every_url_has_a_decision() -> None:
    missing = [route for route in routes() if expected_for(route) is None]
    assert not missing, f"URLs without an authorisation decision: {missing}"


def test_no_stale_decisions() -> None:
    present = set(routes())
    stale = [route for route in EXPECTED if route not in present]
    assert not stale, f"Decisions for URLs that no longer exist: {stale}"


CASES = [
    (route, persona)
    for route in sorted(set(routes()))
    for persona in PERSONA_KEYS
    if expected_for(route) is not None
]


@pytest.mark.parametrize(("route", "persona"), CASES)
def test_matrix(route: str, persona: str, client_for) -> None:
    expected = expected_for(route)
    assert expected is not None
    response = client_for(persona).get(concrete(route))
    assert response.status_code == expected[persona], (
        f"GET {concrete(route)} as {persona}: {response.status_code}, expected {expected[persona]}"
    )


# Report packs are made by a POST (their GET only shows the button): the POST has the
# same decision as the GET for every persona, and an outsider's or reader's POST leaves
# nothing behind (no job, no audit entry).
POST_EXPECTED: dict[str, dict[str, int]] = {
    route: EXPECTED[route]
    for route in EXPECTED
    if route.startswith("rapporter/") and "<reportfmt:fmt>" in route
}


def test_post_routes_are_known() -> None:
    assert len(POST_EXPECTED) == 3
    assert set(POST_EXPECTED) <= set(routes())


@pytest.mark.parametrize(
    ("route", "persona"), [(route, persona) for route in POST_EXPECTED for persona in PERSONA_KEYS]
)
def test_post_matrix(route: str, persona: str, client_for) -> None:
    from almen.audit.models import AuditEntry
    from almen.reports.models import ReportJob

    entries, jobs = AuditEntry.objects.count(), ReportJob.objects.count()
    response = client_for(persona).post(concrete(route))
    expected = POST_EXPECTED[route][persona]
    assert response.status_code == expected, (
        f"POST {concrete(route)} as {persona}: {response.status_code}, expected {expected}"
    )
    if expected != 200:
        assert (AuditEntry.objects.count(), ReportJob.objects.count()) == (entries, jobs)
