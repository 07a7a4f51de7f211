#!/usr/bin/env bash
# Serves Almen for development: the web server, the task worker, the notification
# worker and the ballots' tick (mail goes to the console unless EMAIL_BACKEND says
# otherwise), stopped together. The demo logins are printed last, once the server answers, so they are
# not scrolled away by the server's start-up (manage.py demo_logins).
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
URL="http://127.0.0.1:$PORT"
"$PY" manage.py worker &
worker=$!
(
  for _ in $(seq 120); do
    if "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "$URL/healthz" 2>/dev/null; then
      "$PY" manage.py demo_logins --url "$URL"
      exit 0
    fi
    sleep 0.5
  done
) &
printer=$!
"$PY" manage.py notify_worker &
notify_worker=$!
# Secret ballots: close those past their closing time, remind 24 hours before.
"$PY" manage.py ballots_tick --loop 60 &
ballots_tick=$!
trap 'kill $worker $notify_worker $ballots_tick $printer 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py runserver "127.0.0.1:$PORT"
