#!/usr/bin/env bash
# Fuzzes the live REST API with Schemathesis against its own OpenAPI document
# (/api/v1/openapi.json), first anonymously, then with an API token carrying every
# scope. It passes when there are 0 server errors, 0 answers that break their
# documented schema, and every status code and content type is documented.
#
# A fresh SQLite database with the demo data is served by gunicorn on 127.0.0.1; rate
# limits are off so the run is not flaky. Run it locally as `bash scripts/schemathesis.sh`
# (MAX_EXAMPLES, SEED and PORT can be set). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8765}
MAX_EXAMPLES=${MAX_EXAMPLES:-30}
SEED=${SEED:-20260601}
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=false SECRET_KEY="schemathesis-$(date +%s)-a-long-enough-secret-key-for-the-run"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:$PORT" SECURE_SSL_REDIRECT=false
export DATABASE_URL="sqlite:///$work/almen.sqlite3" MEDIA_ROOT="$work/media"
# Production settings need a shared cache (several gunicorn workers): Redis, own prefix.
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1} CACHE_PREFIX="schemathesis-$$"
export API_THROTTLE_ANONYMOUS="" API_THROTTLE_TOKEN=""
# Background work (large imports) stays queued: nothing runs a worker here.
export TASKS_BACKEND=django_tasks_db.DatabaseBackend

"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py seed_demo >/dev/null
token=$("$PY" manage.py shell -c '
from almen.register.models import ApiScope, Organisation
from almen.register.tokens import api_token_create
organisation = Organisation.objects.order_by("cvr").first()
print(api_token_create(actor=None, organisation=organisation, name="schemathesis",
                       scopes=ApiScope.values)[1])' | tail -1)

.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --log-level warning >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do
  "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" \
    2>/dev/null && break
  sleep 0.5
done

run() {
  local who=$1
  shift
  echo "-- schemathesis: $who"
  # From the scratch folder: Schemathesis keeps a cache of earlier crashes in the
  # working directory, and each run here starts clean.
  (cd "$work" && "$root/.venv/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" --seed "$SEED" --workers 2 --no-shrink \
    --request-timeout 30 --wait-for-schema 30 --warnings off "$@")
}
status=0
run anonymous || status=1
run "with an API token" --header "Authorization: Bearer $token" || status=1
if [ "$status" -ne 0 ]; then
  echo "schemathesis found problems; server log:"
  grep -v -E '^(Unauthorized|Not Found|Unprocessable Content|Bad Request|Forbidden|Method Not Allowed): ' "$work/server.log" | tail -80 || true
fi
exit "$status"
