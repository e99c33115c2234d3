#!/usr/bin/env bash
# CI: the production stack exactly as compose runs it (tools/prod_stack.sh: gunicorn with the
# production settings, a Celery worker and beat) on a fresh PostgreSQL database and Redis
# database, seeded with the small demo company, then tools/smoke.py against it over HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DB=${SMOKE_DB:-telesales_smoke}
PORT=${SMOKE_PORT:-8765}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/13}
"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py seed_demo --small >/dev/null
log=$(mktemp)
SECRET_KEY="ci-smoke-$(head -c 24 /dev/urandom | base64)" WEB_PORT=$PORT BIN=$BIN \
  setsid tools/prod_stack.sh >"$log" 2>&1 &
stack=$!
trap 'kill -- -$stack 2>/dev/null || true; wait $stack 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$PORT/healthz/live" >/dev/null 2>&1 && break
  sleep 1
done
if ! "$BIN/python" tools/smoke.py "http://127.0.0.1:$PORT"; then
  tail -50 "$log"
  exit 1
fi
