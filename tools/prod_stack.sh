#!/usr/bin/env bash
# Run the production stack as docker-compose.yml does, without Docker: the production settings,
# static files collected under them, a one-shot migrate, then gunicorn, a Celery worker and beat
# (Procfile, run by honcho). Needs DATABASE_URL, REDIS_URL and SECRET_KEY in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL}" "${REDIS_URL:?set REDIS_URL}" "${SECRET_KEY:?set SECRET_KEY}"
BIN=$(cd "${BIN:-.venv/bin}" && pwd)
export PATH="$BIN:$PATH"
export DJANGO_SETTINGS_MODULE=telesales.settings_production
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
export CSRF_TRUSTED_ORIGINS=${CSRF_TRUSTED_ORIGINS:-http://localhost:${WEB_PORT:-8000}}
python manage.py collectstatic --noinput -v 0
python manage.py migrate --noinput
exec honcho start -f Procfile
