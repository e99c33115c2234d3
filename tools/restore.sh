#!/usr/bin/env bash
# Restore a dump made by tools/backup.sh into the EMPTY database named by DATABASE_URL (create it
# first: createdb …). Stop web, worker and beat while restoring; uploads (MEDIA_ROOT / the media
# volume) are files, copied separately.
#   tools/restore.sh backups/telesales-2026-11-30.dump
# With compose: docker compose exec -T db pg_restore -U telesales -d telesales --no-owner < telesales.dump
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
exec pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "${1:?give the dump file}"
