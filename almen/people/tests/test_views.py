"""People and roles through the pages: forms, confirmations, clear Danish refusals."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from almen.access.policy import principal_for
from almen.access.roles import Role
from almen.accounts.models import User
from almen.people import letters, services
from almen.people.models import ActivationCode, Invitation
from almen.register.models import (
    BodyKind,
    BodyMembership,
    Estate,
    Household,
    Membership,
    Organisation,
    Resident,
)

pytestmark = pytest.mark.django_db

CVR_A = "29190909"
PASSWORD = "en-lang-adgangskode-2026"


@pytest.fixture
def staff(client_for) -> Client:
    return client_for("org_staff")


@pytest.fixture
def org(cast) -> Organisation:
    return Organisation.objects.get(cvr=CVR_A)


@pytest.fixture
def estate(org) -> Estate:
    return Estate.objects.get(organisation=org, number=1)


def _body(response) -> str:
    return response.content.decode()


def test_index_sends_staff_to_their_organisation(client_for) -> None:
    response = client_for("org_staff").get(reverse("people:index"))
    assert response["Location"] == reverse("people:organisation", args=[CVR_A])
    assert client_for("estate_board_a").get(reverse("people:index")).status_code == 404


def test_people_page_lists_staff_bodies_and_the_mitid_note(staff, cast) -> None:
    response = staff.get(reverse("people:organisation", args=[CVR_A]))
    assert response.status_code == 200
    html = _body(response)
    assert "Mette Schmidt" in html  # staff
    assert "Karen Lund" in html and "Formand" in html  # estate 1's board
    assert "Organisationsbestyrelse" in html and "Per Holm" in html
    assert "MitID-broker" in html and "OIDC_SERVER_URL" in html
    assert "no-store" in response["Cache-Control"]


def test_people_page_says_when_mitid_is_on(staff, settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "mitid",
                    "name": "MitID",
                    "settings": {"server_url": "https://broker.example.dk"},
                }
            ]
        }
    }
    html = _body(staff.get(reverse("people:organisation", args=[CVR_A])))
    assert "Login med MitID er slået til" in html and "https://broker.example.dk" in html


def test_inviting_an_address_with_an_account_offers_a_role_instead(staff) -> None:
    response = staff.post(
        reverse("people:invite", args=[CVR_A]),
        {"name": "Karen", "email": "bestyrelse.a@almen.demo", "role": "org_staff"},
    )
    assert response.status_code == 400
    html = _body(response)
    assert "Der findes allerede en konto med adressen bestyrelse.a@almen.demo" in html
    assert "form-error-message" in html
    assert reverse("people:role_give", args=[CVR_A]) + "?email=bestyrelse.a%40almen.demo" in html
    assert not Invitation.objects.exists()


def test_a_role_given_twice_is_a_clear_400(staff, cast) -> None:
    url = reverse("people:role_give", args=[CVR_A])
    data = {"email": "bestyrelse.a@almen.demo", "role": "org_board"}
    assert staff.post(url, data).status_code == 302
    response = staff.post(url, data)
    assert response.status_code == 400
    assert "har allerede rollen Organisationsbestyrelse" in _body(response)
    assert Membership.objects.filter(user=cast["estate_board_a"].user).count() == 1


def test_a_role_for_an_unknown_address_points_to_the_invitation(staff) -> None:
    response = staff.post(
        reverse("people:role_give", args=[CVR_A]),
        {"email": "ukendt@example.dk", "role": "org_board"},
    )
    assert response.status_code == 400
    assert "Invitér personen i stedet" in _body(response)


def test_the_role_form_is_prefilled_from_the_invitation_page(staff) -> None:
    response = staff.get(
        reverse("people:role_give", args=[CVR_A]) + "?email=bestyrelse.a%40almen.demo"
    )
    assert 'value="bestyrelse.a@almen.demo"' in _body(response)


def test_ending_a_role_asks_first(staff, cast, org) -> None:
    user = cast["estate_board_a"].user
    membership = services.role_give(actor=None, organisation=org, user=user, role=Role.ORG_BOARD)
    url = reverse("people:role_end", args=[CVR_A, membership.pk])
    page = staff.post(url)
    assert page.status_code == 200 and "Sidste dag" in _body(page)
    assert Membership.objects.get(pk=membership.pk).ends is None
    wrong = staff.post(url, {"confirm": "yes", "on": "1999-01-01"})
    assert wrong.status_code == 400 and "før rollen begyndte" in _body(wrong)
    today = timezone.localdate()
    assert staff.post(url, {"confirm": "yes", "on": today.isoformat()}).status_code == 302
    assert Membership.objects.get(pk=membership.pk).ends == today


def test_ending_the_last_board_member_warns_and_needs_a_yes(staff, cast) -> None:
    seat = BodyMembership.objects.get(user=cast["estate_board_a"].user)
    url = reverse("people:seat_end", args=[CVR_A, seat.pk])
    page = _body(staff.post(url))
    assert "Det sidste medlem" in page and "allow_empty" in page
    today = timezone.localdate().isoformat()
    refused = staff.post(url, {"confirm": "yes", "on": today})
    assert refused.status_code == 400
    assert "er det sidste medlem af afdelingsbestyrelse" in _body(refused)
    assert BodyMembership.objects.get(pk=seat.pk).term_end is None
    ok = staff.post(url, {"confirm": "yes", "on": today, "allow_empty": "on"})
    assert ok.status_code == 302
    assert BodyMembership.objects.get(pk=seat.pk).term_end == timezone.localdate()


def test_adding_a_new_person_to_the_board_invites_them(
    staff, estate, django_capture_on_commit_callbacks
) -> None:
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("people:seat_add", args=[CVR_A, "afdeling-1"]),
            {
                "name": "Birgit Nyvalgt",
                "email": "birgit@example.dk",
                "role": "member",
                "term_start": "2026-09-15",
            },
        )
    assert response.status_code == 302, _body(response)
    user = User.objects.get(email="birgit@example.dk")
    seat = BodyMembership.objects.get(user=user)
    assert seat.body.kind == BodyKind.ESTATE_BOARD and seat.body.estate == estate
    call_command("notify_worker", "--once")
    assert [m.to for m in mail.outbox] == [["birgit@example.dk"]]


def test_adding_a_resident_of_the_estate(staff, estate) -> None:
    resident = Resident.objects.filter(
        household__in=Household.objects.active().filter(unit__estate=estate), user__isnull=True
    ).first()
    assert resident is not None
    form = _body(staff.get(reverse("people:seat_add", args=[CVR_A, "afdeling-1"])))
    assert resident.name in form
    response = staff.post(
        reverse("people:seat_add", args=[CVR_A, "afdeling-1"]),
        {
            "resident": resident.pk,
            "email": "valgt.beboer@example.dk",
            "role": "substitute",
            "term_start": "2026-09-15",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.user is not None
    assert BodyMembership.objects.filter(user=resident.user, role="substitute").exists()


def test_seat_form_without_a_person_is_a_400(staff) -> None:
    response = staff.post(
        reverse("people:seat_add", args=[CVR_A, "organisationsbestyrelse"]),
        {"role": "member", "term_start": "2026-09-15"},
    )
    assert response.status_code == 400
    assert "Vælg en beboer, eller skriv navn og e-mail" in _body(response)


def test_unknown_body_is_404(staff) -> None:
    for slug in ("afdeling-99", "bestyrelse", "afdeling-x"):
        assert staff.get(reverse("people:seat_add", args=[CVR_A, slug])).status_code == 404


def test_deactivate_asks_then_the_person_cannot_log_in(staff, cast) -> None:
    user = cast["estate_board_a"].user
    url = reverse("people:account_deactivate", args=[CVR_A, user.public_id])
    assert "Ja, deaktivér" in _body(staff.post(url))
    assert User.objects.get(pk=user.pk).is_active
    assert staff.post(url, {"confirm": "yes"}).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    other = Client()
    assert not other.login(email=user.email, password="almen-demo-2026")
    back = reverse("people:account_reactivate", args=[CVR_A, user.public_id])
    assert staff.post(back, {"confirm": "yes"}).status_code == 302
    assert other.login(email=user.email, password="almen-demo-2026")


def test_an_account_of_another_organisation_is_404(staff, cast) -> None:
    user = cast["other_org_staff"].user
    url = reverse("people:account_deactivate", args=[CVR_A, user.public_id])
    assert staff.post(url, {"confirm": "yes"}).status_code == 404


def test_deactivating_oneself_is_a_clear_400(staff, cast) -> None:
    me = cast["org_staff"].user
    response = staff.post(
        reverse("people:account_deactivate", args=[CVR_A, me.public_id]), {"confirm": "yes"}
    )
    assert response.status_code == 400
    assert "Du kan ikke deaktivere din egen konto" in _body(response)


def test_revoking_an_invitation(staff, org) -> None:
    invitation = services.invitation_create(actor=None, organisation=org, email="a@example.dk")
    url = reverse("people:invitation_revoke", args=[CVR_A, invitation.pk])
    assert staff.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    token = invitation.token  # type: ignore[attr-defined]
    assert Client().get(reverse("people:accept", args=[token])).status_code == 404


# --- the invited staff member: password, then TOTP through allauth ----------------------


def test_invited_staff_sets_a_password_then_must_set_up_totp(
    staff, org, django_capture_on_commit_callbacks
) -> None:
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("people:invite", args=[CVR_A]),
            {"name": "Nina Ny", "email": "nina@example.dk", "role": "org_staff"},
        )
    call_command("notify_worker", "--once")
    link = re.search(r"https?://\S+/invitation/\S+/", str(mail.outbox[0].body)).group(0)  # type: ignore[union-attr]
    path = link[link.index("/invitation/") :]
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and "nina@example.dk" in _body(page)
    short = client.post(path, {"password1": "kort", "password2": "kort"})
    assert short.status_code == 400 and "form-error-message" in _body(short)
    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="nina@example.dk")
    assert principal_for(user).is_staff_of(org.pk)
    # Nothing but the TOTP set-up until it is done (RequireStaffMfaMiddleware) …
    home = client.get(reverse("web:home"))
    assert home["Location"] == reverse("mfa_activate_totp")
    people = client.get(reverse("people:organisation", args=[CVR_A]))
    assert people["Location"] == reverse("mfa_activate_totp")
    # … which the fresh login opens without asking for the password again.
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200, activate.get("Location")
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time() // 30)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": code})
    assert user.authenticator_set.filter(type="totp").exists()  # type: ignore[attr-defined]
    assert client.get(reverse("people:organisation", args=[CVR_A])).status_code == 200


def test_a_used_invitation_link_is_404(org) -> None:
    invitation = services.invitation_create(actor=None, organisation=org, email="b@example.dk")
    path = reverse("people:accept", args=[invitation.token])  # type: ignore[attr-defined]
    assert Client().post(path, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    assert Client().get(path).status_code == 404


# --- estate board page ------------------------------------------------------------------


def test_estate_board_page_shows_posts_and_terms(client_for) -> None:
    response = client_for("estate_board_a").get(reverse("people:estate_board", args=[CVR_A, 1]))
    main = _body(response).split('id="main-content"')[1]  # the header names the user
    assert "Karen Lund" in main and "Formand" in main and "15-09-2025" in main
    assert "bestyrelse.a@almen.demo" not in main


def test_estate_page_links_the_board_page_for_its_board(client_for) -> None:
    link = reverse("people:estate_board", args=[CVR_A, 1])
    estate_page = reverse("web:estate_detail", args=[CVR_A, 1])
    assert link in _body(client_for("estate_board_a").get(estate_page))
    assert link not in _body(client_for("resident_a").get(estate_page))


# --- activation letters -----------------------------------------------------------------


def test_letters_are_a_pdf_with_one_page_per_household(staff, estate) -> None:
    households = services.households_for_letters(estate)
    page = staff.get(reverse("people:estate_letters", args=[CVR_A, 1]))
    assert page.status_code == 200 and str(len(households)) in _body(page)
    response = staff.post(reverse("people:estate_letters", args=[CVR_A, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "aktiveringsbreve-afdeling-1-" in response["Content-Disposition"]
    assert ActivationCode.objects.filter(household__in=households).count() == len(households)


def test_letter_pages_and_qr_codes(estate) -> None:
    from weasyprint import HTML

    made = services.activation_letters_create(actor=None, estate=estate)
    html = letters.letters_html(estate, made)
    assert all(letter.code in html for letter in made)
    assert html.count("<svg") == len(made)  # a QR code per letter
    plain = services.normalise_code(made[0].code)
    assert letters.activation_url(made[0].code).endswith(f"/aktiver/?kode={plain}")
    document = HTML(string=html, base_url=letters.FONT_DIR.as_uri() + "/").render()
    assert len(document.pages) == len(made)


def test_no_letters_needed_says_so(staff, estate) -> None:
    Resident.objects.filter(household__unit__estate=estate).update(email="har@example.dk")
    response = staff.post(reverse("people:estate_letters", args=[CVR_A, 1]))
    assert response.status_code == 302
    assert not ActivationCode.objects.exists()


def test_a_resident_activates_with_the_letter(estate) -> None:
    letter = services.activation_letters_create(actor=None, estate=estate)[0]
    resident = letter.residents[0]
    client = Client()
    url = reverse("people:activate")
    plain = services.normalise_code(letter.code)
    prefilled = client.get(f"{url}?kode={plain}")
    assert f'value="{plain}"' in _body(prefilled)
    wrong = client.post(url, {"step": "code", "code": "AAAA-AAAA-AAAA"})
    assert wrong.status_code == 400 and "Koden er forkert" in _body(wrong)
    step = client.post(url, {"step": "code", "code": letter.code})
    assert step.status_code == 200 and resident.name in _body(step)
    mismatch = client.post(
        url,
        {
            "step": "person",
            "code": plain,
            "resident": resident.pk,
            "email": "ny@example.dk",
            "email2": "anden@example.dk",
        },
    )
    assert mismatch.status_code == 400 and "ikke ens" in _body(mismatch)
    done = client.post(
        url,
        {
            "step": "person",
            "code": plain,
            "resident": resident.pk,
            "email": "ny@example.dk",
            "email2": "ny@example.dk",
        },
    )
    assert done.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    resident.refresh_from_db()
    assert resident.user is not None and resident.user.email == "ny@example.dk"
    again = Client().post(
        url,
        {
            "step": "person",
            "code": plain,
            "resident": resident.pk,
            "email": "x@example.dk",
            "email2": "x@example.dk",
        },
    )
    assert again.status_code == 400 and "Koden er forkert" in _body(again)


def test_role_end_dates_outside_bounds_are_refused(staff, cast, org) -> None:
    membership = services.role_give(
        actor=None, organisation=org, user=cast["estate_board_a"].user, role=Role.ORG_BOARD
    )
    url = reverse("people:role_end", args=[CVR_A, membership.pk])
    response = staff.post(url, {"confirm": "yes", "on": "9999-12-31"})
    assert response.status_code == 400
    assert Membership.objects.get(pk=membership.pk).ends is None
    assert "Datoen skal ligge mellem" in _body(response)


def test_seat_form_starts_today_in_the_date_inputs_format(staff) -> None:
    html = _body(staff.get(reverse("people:seat_add", args=[CVR_A, "afdeling-1"])))
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_people_page_queries_do_not_grow_with_members(
    staff, org, estate, django_assert_max_num_queries
) -> None:
    """The page reads staff, invitations, bodies and seats in fixed queries."""
    url = reverse("people:organisation", args=[CVR_A])
    staff.get(url)  # warm the session and the principal's caches
    with django_assert_max_num_queries(16):
        assert staff.get(url).status_code == 200
    board = estate.bodies.get()
    for n in range(12):
        person = User.objects.create(email=f"medlem{n}@example.dk", name=f"Medlem {n}")
        services.body_member_add(
            actor=None, body=board, user=person, role="member", term_start=timezone.localdate()
        )
        services.role_give(actor=None, organisation=org, user=person, role=Role.ORG_BOARD)
    with django_assert_max_num_queries(16):
        assert staff.get(url).status_code == 200


def test_guessing_activation_codes_is_rate_limited() -> None:
    """Codes are 12 characters of a 31-letter alphabet, but nobody may try thousands:
    after 10 tries a minute from one address the page answers 429."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import override_settings

    from config import settings as production

    cache.clear()
    client = Client()
    url = reverse("people:activate")
    limits = {
        **settings.ACCOUNT_RATE_LIMITS,
        "activate_code": production.ACCOUNT_RATE_LIMITS["activate_code"],
    }
    with override_settings(ACCOUNT_RATE_LIMITS=limits):
        answers = [
            client.post(url, {"step": "code", "code": f"AAAA-AAAA-AA{n:02d}"}).status_code
            for n in range(11)
        ]
    assert answers[:10] == [400] * 10
    assert answers[10] == 429
    cache.clear()


def test_the_login_page_leads_letter_holders_to_activation() -> None:
    html = _body(Client().get(reverse("account_login")))
    assert reverse("people:activate") in html
    assert "aktiveringskode" in html
