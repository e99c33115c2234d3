#!/usr/bin/env bash
# The issue's user mix (bench/locustfile.py: 30 reps, 3 managers, one dialer) against gunicorn
# with the production settings on PostgreSQL, for a bounded time; prints requests/s and
# p50/p95/p99 per endpoint, and the load average before and after. `make load-test`.
#   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ts_locust_bench, created and
#   kept), LOAD_DURATION (2m), LOAD_WORKERS (gunicorn workers, 4), LOAD_PORT (8793),
#   LOAD_USERS (34: 30 reps + 3 managers + 1 dialer), REDIS_URL (optional: cache and throttles).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(cd "${BIN:-.venv/bin}" && pwd)
DB=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ts_locust_bench}
PORT=${LOAD_PORT:-8793}
DURATION=${LOAD_DURATION:-2m}
WORKERS=${LOAD_WORKERS:-4}
USERS=${LOAD_USERS:-34}
# The sessions the setup signs are read by the server: the same SECRET_KEY for both.
export SECRET_KEY=${SECRET_KEY:-load-test-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz}
SETUP=$(BENCH_DATABASE_URL=$DB "$BIN/python" bench/locust_setup.py)
eval "$SETUP"
export DJANGO_SETTINGS_MODULE=telesales.settings_production DATABASE_URL=$DB DEBUG=false \
  ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$PORT \
  LOG_LEVEL=WARNING CONN_MAX_AGE=600 AXES_ENABLED=false
# Collected once (compressing the files takes minutes on a busy machine); LOAD_COLLECTSTATIC=1 redoes it.
if [ -n "${LOAD_COLLECTSTATIC:-}" ] || [ ! -f staticfiles/staticfiles.json ]; then
  "$BIN/python" manage.py collectstatic --noinput -v 0
fi
"$BIN/gunicorn" telesales.wsgi:application --bind 127.0.0.1:$PORT --workers "$WORKERS" --timeout 60 \
  --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz/live" && break; sleep 0.2; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, gunicorn $WORKERS workers, $USERS users, $DURATION"
"$BIN/locust" -f bench/locustfile.py --headless -u "$USERS" -r 10 -t "$DURATION" --host "http://127.0.0.1:$PORT" \
  --only-summary --reset-stats --stop-timeout 10 2>&1 | grep -v '^\s*$' | grep -v '"level": "warning"' \
  | sed -n '/^endpoint/,$p'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
