"""The dashboards' rendered fragments are cached (``almen.lib.panels``): a warm home page
reads its cached panels in one round trip and neither computes nor renders them, every
persona still sees exactly what it saw when nothing was cached, and a change shows on the
next request: through a data version (a goal, a meeting, an audit entry, an import run,
a report pack, a name) or through the clock (a meeting that begins). No ``cache.clear()``
between a change and the request that must show it: the version is what must move."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from almen.audit.services import audit_record
from almen.conftest import PERSONA_KEYS
from almen.democracy import services as democracy_services
from almen.democracy.models import MeetingKind
from almen.democracy.testing import matrix_estate
from almen.imports.models import ImportFormat, ImportRun, ImportStatus
from almen.lib import panels, versions
from almen.register.models import Organisation
from almen.reports.models import ReportFormat, ReportJob, ReportKind

PERSONAS = PERSONA_KEYS
ORG_A = "29190909"
CPH = ZoneInfo("Europe/Copenhagen")


def dashboard(client: Client) -> str:
    """The panels' part of the home page (the header's CSRF token differs per render)."""
    html = client.get("/").content.decode()
    match = re.search(r'<div class="almen-dashboard">.*?</main>', html, re.S)
    return match.group(0) if match else ""


def queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    return len(captured.captured_queries)


def test_every_persona_sees_on_a_warm_page_what_it_saw_cold(client_for) -> None:
    clients = {who: client_for(who) for who in PERSONAS}
    cold = {}
    for who, client in clients.items():
        cache.clear()
        versions.forget()
        client.get("/")  # the login's own first page view (the session, the places)
        cache.clear()
        cold[who] = dashboard(client)
    assert cold["org_staff"] != cold["other_org_staff"]
    assert cold["resident_a"] != cold["resident_b"]
    cache.clear()
    for _round in range(2):  # the first round fills the cache in turn, the second reads it
        for who, client in clients.items():
            assert dashboard(client) == cold[who], who


@pytest.mark.parametrize("who", ["org_staff", "estate_board_a", "resident_a"])
def test_a_warm_dashboard_reads_its_panels_from_the_cache(client_for, who) -> None:
    client = client_for(who)
    client.get("/")
    cache.clear()
    cold = queries(client)
    warm = queries(client)
    # What is left warm: the session, the user, the principal's grants; "my work"'s
    # bodies (boards and staff); the residents' ballots panel's household votes.
    assert warm <= 5, warm
    assert warm < cold


def test_a_panel_fragment_is_kept_per_language(cast, client_for) -> None:
    user = cast["org_staff"].user
    client = client_for("org_staff")
    assert "Seneste ændringer" in dashboard(client)
    user.language = "en"
    user.save(update_fields=["language"])
    english = dashboard(client)
    assert "Latest changes" in english
    assert "Seneste ændringer" not in english
    user.language = "da"
    user.save(update_fields=["language"])
    assert "Seneste ændringer" in dashboard(client)


def test_an_audit_entry_shows_in_recent_changes_on_the_next_request(
    client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("org_staff")
    assert "Kældernøglerne" not in dashboard(client)
    organisation = Organisation.objects.get(cvr=ORG_A)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # two entries, one bump
            audit_record(
                actor=None,
                action="update",
                obj=organisation,
                organisation_id=organisation.pk,
                actor_label="Kældernøglerne",
            )
    assert "Kældernøglerne" in dashboard(client)


def test_one_bump_per_transaction_and_none_lost_to_a_rolled_back_savepoint(
    db, django_capture_on_commit_callbacks
) -> None:
    key = "tests:fragments:version"
    start = versions.current(key)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(5):
            versions.bump_on_commit(key)
    assert len(callbacks) == 1
    assert versions.current(key) == start + 1
    # A bump asked for inside a savepoint that is rolled back goes with it; one asked
    # for after it, in the same transaction, is not swallowed by the lost one.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                versions.bump_on_commit(key)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        versions.bump_on_commit(key)
    assert len(callbacks) == 1
    assert versions.current(key) == start + 2


def test_an_import_runs_status_shows_on_the_next_request(
    client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("org_staff")
    organisation = Organisation.objects.get(cvr=ORG_A)
    with django_capture_on_commit_callbacks(execute=True):
        run = ImportRun.objects.create(
            organisation=organisation,
            original_name="lejemaal-december.csv",
            format=ImportFormat.CSV,
            status=ImportStatus.VALIDATED,
        )
    section = dashboard(client)
    assert "lejemaal-december.csv" in section
    # The claim for commit is an update() (no post_save): it bumps the version itself.
    from almen.imports.services import _claim_for_commit

    with django_capture_on_commit_callbacks(execute=True):
        _claim_for_commit(run)
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTING
    assert run.get_status_display() in dashboard(client)


def test_a_report_pack_shows_to_the_one_who_ordered_it(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:
    staff, other = client_for("org_staff"), client_for("other_org_staff")
    before = dashboard(staff)
    dashboard(other)
    organisation = Organisation.objects.get(cvr=ORG_A)
    with django_capture_on_commit_callbacks(execute=True):
        job = ReportJob.objects.create(
            organisation=organisation,
            requested_by=cast["org_staff"].user,
            kind=ReportKind.HANDOUT,
            fmt=ReportFormat.PDF,
        )
    after = dashboard(staff)
    assert after != before
    assert job.get_kind_display() in after
    assert job.get_kind_display() not in dashboard(client_for("org_board"))


def test_a_meeting_leaves_the_cached_panel_when_it_begins(
    client_for, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=CPH), tick=False):
        estate = matrix_estate()
        with django_capture_on_commit_callbacks(execute=True):
            democracy_services.meeting_create(
                actor=None,
                organisation=estate.organisation,
                estate=estate,
                kind=MeetingKind.ORDINARY,
                title="Møde i morgen tidlig",
                starts_at=dt.datetime(2027, 3, 2, 8, 0, tzinfo=CPH),
                place="Fælleshuset",
            )
        client = client_for("estate_board_a")
        assert "Møde i morgen tidlig" in dashboard(client)
        assert "Møde i morgen tidlig" in dashboard(client)  # now from the cache
    with time_machine.travel(dt.datetime(2027, 3, 2, 8, 30, tzinfo=CPH), tick=False):
        assert "Møde i morgen tidlig" not in dashboard(client)


def test_the_panels_that_cache_name_their_versions() -> None:
    """A fragment kept without a version would never change: every cached panel names
    at least one (the clock alone is not enough for anything these panels show)."""
    cached = [p for place in panels.PLACES for p in panels.panels(place) if p.fragment]
    assert cached
    assert all(p.versions for p in cached), [p.key for p in cached if not p.versions]
