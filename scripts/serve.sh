#!/usr/bin/env bash
# Serves Almen for development: the web server, the task worker and the notification
# worker (mail goes to the console unless EMAIL_BACKEND says otherwise), stopped together.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
"$PY" manage.py worker &
worker=$!
"$PY" manage.py notify_worker &
notify_worker=$!
trap 'kill $worker $notify_worker 2>/dev/null || true' EXIT INT TERM
echo "Almen kører på http://127.0.0.1:$PORT (Ctrl-C stopper)"
"$PY" manage.py runserver "127.0.0.1:$PORT"
