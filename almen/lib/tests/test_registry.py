"""The registry every plug-in point uses: keys are unique across apps, an app may
re-register its own (``ready()`` can run twice), and withdrawing an app restores order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from almen.lib import notifications
from almen.lib import registry as registry_module
from almen.lib.notifications import NotificationKind, Preference
from almen.lib.registry import AlreadyRegistered, Registry, withdrawn


@pytest.fixture
def registry() -> Iterator[Registry[str]]:
    reg: Registry[str] = Registry("test things")
    yield reg
    registry_module._registries.remove(reg)


def test_keys_are_unique_across_apps(registry: Registry[str]) -> None:
    registry.register("a", "one", app="goals")
    registry.register("a", "again", app="goals")
    assert registry.get("a") == "again"
    with pytest.raises(AlreadyRegistered):
        registry.register("a", "other", app="dialogue")
    with pytest.raises(LookupError):
        registry.get("missing")


def test_withdrawn_removes_one_app_and_restores_the_order(registry: Registry[str]) -> None:
    registry.register("a", "1", app="register")
    registry.register("b", "2", app="goals")
    registry.register("c", "3", app="register")
    with withdrawn("register"):
        assert registry.items() == ["2"]
    assert registry.items() == ["1", "2", "3"]


def test_a_notification_kind_is_named_after_its_app() -> None:
    kind = NotificationKind("goals.x", "x", "x", Preference.OFF, "goals/x.txt")
    with pytest.raises(ValueError, match="must start with"):
        notifications.register(kind, app="reports")
    assert "goals.x" not in [k.key for k in notifications.kinds()]
