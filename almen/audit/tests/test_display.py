"""The audit log speaks to people: field names by their verbose name, states by their
display label, actions and the system actor in words (issue 7: the log showed
``follow_up_note`` and ``not_started → done``; staff home showed "system: update")."""

from __future__ import annotations

from django.utils import translation

from almen.audit.display import Change, action_label, actor_label, changes
from almen.audit.models import AuditEntry


def test_fields_and_states_are_shown_by_their_labels() -> None:
    with translation.override("da"):
        shown = changes(
            "dialogue.agreement",
            {"follow_up_status": "not_started", "follow_up_note": "", "title": "Samme"},
            {"follow_up_status": "done", "follow_up_note": "Klaret.", "title": "Samme"},
        )
    assert shown == [
        Change("Note om opfølgning", "–", "Klaret."),
        Change("Opfølgning", "Ikke påbegyndt", "Gennemført"),
    ]


def test_foreign_keys_booleans_and_dates_read_as_words() -> None:
    with translation.override("da"):
        shown = changes(
            "imports.importrun",
            {"dry_run": False, "organisation_id": 1},
            {"dry_run": True, "organisation_id": 2},
        )
    assert shown == [Change("Prøvekørsel", "nej", "ja")]  # the organisation's id is left out


def test_empty_before_and_after_are_not_a_change() -> None:
    assert changes("dialogue.agreement", {}, {"follow_up_note": ""}) == []


def test_unknown_models_and_fields_still_read_without_underscores() -> None:
    assert changes("nothing.here", {"some_field": 1}, {"some_field": 2}) == [
        Change("Some field", "1", "2")
    ]


def test_actions_and_the_system_actor_in_words() -> None:
    with translation.override("da"):
        assert action_label("update") == "Ændret"
        assert action_label("api_token.create") == "API-nøgle oprettet"
        assert action_label("brand_new.thing") == "Brand new thing"
        assert actor_label("system") == "Almen (automatisk)"
        assert actor_label("Lise Hansen") == "Lise Hansen"
        entry = AuditEntry(actor_label="system", action="update", object_type="goals.action")
        assert (entry.actor_display, entry.action_display) == ("Almen (automatisk)", "Ændret")
