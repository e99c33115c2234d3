#!/usr/bin/env bash
# Back up the database named by DATABASE_URL into one file (pg_dump custom format, compressed):
#   tools/backup.sh backups/telesales-$(date +%F).dump
# With compose: docker compose exec -T db pg_dump -U telesales -Fc telesales > telesales.dump
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
exec pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="${1:?give the output file}"
