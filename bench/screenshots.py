"""Screenshots of each demo persona's home page at desktop (1280 px) and phone (375 px)
width, into docs/screenshots/. Regenerate after a change to the home pages or the look:

    .venv/bin/python bench/screenshots.py            # var/screenshots.sqlite3
    .venv/bin/python bench/screenshots.py --only org_staff

1. Migrates and seeds its own SQLite database (``seed_demo``, idempotent; ``SHOTS_DB``
   names another file), so the shots show the demo and nothing else.
2. Logs each persona in the way bench/run.py does: a session written in the database
   for the persona's user, and for staff the record allauth keeps after the TOTP step
   (``RequireStaffMfaMiddleware`` lets only those through), so no page is a login or
   code prompt. The anonymous visitor has no session.
3. Runs ``manage.py runserver`` (DEBUG, static files) on a free port and shoots each home
   page, full page, with headless Chromium (/usr/bin/chromium) through Playwright, after
   running axe-core on it (violations are printed; there should be none).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable  # the Python running this script, with the project installed
DB = os.environ.get("SHOTS_DB", "var/screenshots.sqlite3")
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": (1280, 900), "phone": (375, 812)}

SESSIONS = r"""
import json, time
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from almen.register.demo import personas

sessions = {}
for key, persona in personas().items():
    if persona.user is None:
        continue
    store = SessionStore()
    store[SESSION_KEY] = str(persona.user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = persona.user.get_session_auth_hash()
    totp = Authenticator.objects.filter(
        user_id=persona.user.pk, type=Authenticator.Type.TOTP
    ).first()
    if totp is not None:
        store[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "mfa", "at": time.time(), "id": totp.pk, "type": totp.type}
        ]
        store[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(persona.user.pk)
    store.create()
    sessions[key] = store.session_key
print("SESSIONS " + json.dumps(sessions))
"""


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DB}",
        "DEBUG": "true",
        "CACHE_PREFIX": "screenshots",
    }


def manage(*args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env(),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="only personas whose key contains this")
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    (ROOT / "var").mkdir(exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.skip_seed:
        manage("migrate", "--noinput", "-v0")
        manage("seed_demo")
    out = manage("shell", "-c", SESSIONS, capture=True)
    line = next(x for x in out.splitlines() if x.startswith("SESSIONS "))
    sessions: dict[str, str] = json.loads(line[len("SESSIONS ") :])
    personas = ["anonymous", *sessions]
    if args.only:
        personas = [p for p in personas if args.only in p]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/healthz")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            violations = 0
            for persona in personas:
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale="da-DK"
                    )
                    if persona in sessions:
                        context.add_cookies(
                            [{"name": "sessionid", "value": sessions[persona], "url": base}]
                        )
                    page = context.new_page()
                    response = page.goto(base + "/", wait_until="networkidle")
                    assert response is not None and response.status == 200, persona
                    assert "/accounts/" not in page.url, (persona, page.url)  # not a prompt
                    # axe-core on the page, as every browser journey does: 0 violations.
                    page.add_script_tag(url=f"{base}/static/vendor/axe/axe.min.js")
                    found = page.evaluate("() => axe.run(document)")["violations"]
                    for v in found:
                        print(f"  axe {persona} {size}: {v['id']} ({len(v['nodes'])})")
                    violations += len(found)
                    path = OUT / f"home-{persona.replace('_', '-')}-{size}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(f"{path.relative_to(ROOT)}  ({page.url})")
                    context.close()
            browser.close()
            print(f"axe-core: {violations} violations")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
