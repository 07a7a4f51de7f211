"""The Django admin has one login door (allauth's: password, TOTP, rate limits), and
every role that needs two-factor login must have passed it in this session."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from almen.accounts.models import User
from almen.accounts.tests.helpers import demo_totp_code, forget_used_totp, login_with_mfa
from almen.register.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, Persona
from config import settings as production

pytestmark = pytest.mark.django_db

ADMIN_PASSWORD = "en-lang-adgangskode-til-drift"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def superuser() -> User:
    user = User.objects.create_superuser(email="drift@almen.test", password=ADMIN_PASSWORD)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _mfa_reauthenticate_url(next_url: str) -> str:
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}"


class _FailedPasswordChecks:
    """Counts the passwords Django actually checked and found wrong."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, **kwargs: object) -> None:
        self.count += 1


@pytest.fixture
def failed_checks():
    counter = _FailedPasswordChecks()
    user_login_failed.connect(counter, dispatch_uid="test-failed-checks")
    yield counter
    user_login_failed.disconnect(dispatch_uid="test-failed-checks")


def test_admin_login_door_sends_to_allauth(client: Client) -> None:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_admin_login_form_does_not_log_in_with_password_alone(
    client: Client, superuser: User
) -> None:
    # The old door: Django's admin form, username + password, no TOTP.
    response = client.post(
        reverse("admin:login"), {"username": superuser.email, "password": ADMIN_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_superuser_reaches_admin_only_after_the_totp_step(client: Client, superuser: User) -> None:
    login = f"{reverse('account_login')}?next=/admin/"
    response = client.post(login, {"login": superuser.email, "password": ADMIN_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone: not logged in, the admin still sends to the login.
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302
    assert "_auth_user_id" not in client.session

    code = demo_totp_code()
    forget_used_totp(superuser.pk, code)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_that_skipped_mfa_is_asked_for_the_code(client: Client, superuser: User) -> None:
    # A session logged in without the TOTP step (as the old admin form did).
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == _mfa_reauthenticate_url("/admin/")
    page = client.get(response["Location"])
    assert page.status_code == 200

    code = demo_totp_code()
    forget_used_totp(superuser.pk, code)
    response = client.post(response["Location"], {"code": code})
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("persona", ["org_staff", "municipality_officer", "sector_staff"])
def test_every_staff_role_needs_mfa_in_this_session(
    persona: str, client: Client, cast: dict[str, Persona]
) -> None:
    user = cast[persona].user
    assert user is not None
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == _mfa_reauthenticate_url("/")

    other = Client()
    login_with_mfa(other, user)
    assert other.get(reverse("web:home")).status_code == 200


def test_is_staff_without_a_role_needs_mfa(client: Client) -> None:
    user = User.objects.create_user(email="stab@almen.test", password=ADMIN_PASSWORD)
    user.is_staff = True
    user.save()
    client.force_login(user)
    # No authenticator yet: set one up first.
    assert client.get(reverse("web:home"))["Location"] == reverse("mfa_activate_totp")
    TOTP.activate(user, DEMO_TOTP_SECRET)
    assert client.get(reverse("web:home"))["Location"] == _mfa_reauthenticate_url("/")


def test_residents_and_boards_need_no_mfa(client_for) -> None:
    for persona in ("resident_a", "estate_board_a", "org_board"):
        assert client_for(persona).get(reverse("web:home")).status_code == 200


def test_logged_in_non_staff_get_403_at_the_admin_login(client_for) -> None:
    response = client_for("org_staff").get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 403
    assert "ikke adgang til administrationen" in response.content.decode()


@override_settings(ACCOUNT_RATE_LIMITS=production.ACCOUNT_RATE_LIMITS)
def test_wrong_passwords_at_the_admin_are_throttled(
    client: Client, superuser: User, failed_checks: _FailedPasswordChecks
) -> None:
    # The admin form checks no password at all now ...
    for _ in range(25):
        client.post(reverse("admin:login"), {"username": superuser.email, "password": "forkert"})
    assert failed_checks.count == 0
    # ... and the one door it leads to checks at most the limit (5 per account).
    login = f"{reverse('account_login')}?next=/admin/"
    for _ in range(12):
        client.post(login, {"login": superuser.email, "password": "forkert-adgangskode"})
    assert failed_checks.count == 5
    # Even the right password is refused now.
    response = client.post(login, {"login": superuser.email, "password": ADMIN_PASSWORD})
    assert "for mange mislykkede" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_totp_activation_counts_as_the_mfa_step(
    client: Client, cast: dict[str, Persona], django_capture_on_commit_callbacks
) -> None:
    staff = cast["org_staff"]
    assert staff.user is not None
    staff.user.authenticator_set.all().delete()  # type: ignore[attr-defined]
    client.post(reverse("account_login"), {"login": staff.email, "password": DEMO_PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code_for(secret)})
    # Straight on: no second code (the one just typed would be refused as a replay).
    assert client.get(reverse("web:home")).status_code == 200


def totp_code_for(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time() // 30)))


def test_a_removed_authenticator_ends_the_mfa_of_every_session(
    client: Client, cast: dict[str, Persona]
) -> None:
    # The session passed MFA; then the authenticator is deleted elsewhere (an
    # administrator, or the person in another browser): this session must not go on.
    staff = cast["org_staff"]
    assert staff.user is not None
    login_with_mfa(client, staff.user)
    assert client.get(reverse("web:home")).status_code == 200
    staff.user.authenticator_set.all().delete()  # type: ignore[attr-defined]
    assert client.get(reverse("web:home"))["Location"] == reverse("mfa_activate_totp")
    # Set up again and passed again: in.
    TOTP.activate(staff.user, DEMO_TOTP_SECRET)
    assert client.get(reverse("web:home"))["Location"] == _mfa_reauthenticate_url("/")
    login_with_mfa(client, User.objects.get(pk=staff.user.pk))
    assert client.get(reverse("web:home")).status_code == 200


def test_the_mfa_check_of_a_passed_session_makes_no_query(
    client: Client, cast: dict[str, Persona], django_assert_num_queries
) -> None:
    from django.test import RequestFactory

    from almen.access.middleware import RequireStaffMfaMiddleware

    staff = cast["org_staff"]
    assert staff.user is not None
    login_with_mfa(client, staff.user)
    request = RequestFactory().get("/")
    request.session = client.session
    assert request.session.items()  # the session and the user are read before any middleware
    request.user = User.objects.get(pk=staff.user.pk)
    from almen.access.policy import principal

    principal(request)  # computed once per request, by whoever asks first
    middleware = RequireStaffMfaMiddleware(lambda r: "passed")  # type: ignore[arg-type,return-value]
    with django_assert_num_queries(0):
        assert middleware(request) == "passed"
