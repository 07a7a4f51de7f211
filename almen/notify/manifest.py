"""What notify plugs in (called from ``NotifyConfig.ready()``): its pages under
/konto/beskeder/ (a person's choices, and the unsubscribe link of every e-mail)."""

from __future__ import annotations

from almen.lib import routes

APP = "notify"


def register() -> None:
    routes.register_urls("almen.notify.urls", app=APP, prefix="konto/beskeder/")
