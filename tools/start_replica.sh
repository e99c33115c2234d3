#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL server, for the replica tests and for trying
# DATABASE_REPLICA_URL on one machine: `pg_basebackup -R` of the server on PRIMARY_PORT (5432) into
# REPLICA_DIR, started on REPLICA_PORT (5433). Allows replication connections from 127.0.0.1 on the
# primary (pg_hba.conf) if they are not allowed yet. Does nothing when the replica already answers.
set -euo pipefail
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
DIR=${REPLICA_DIR:-/tmp/telesales-replica}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

if pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q; then
  exit 0
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

HBA=$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "SHOW hba_file")
if ! grep -qE '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qAtc "SELECT pg_reload_conf()" >/dev/null
fi

# A replication slot keeps the WAL the replica still needs (a busy primary recycles it within a
# minute); a cap on what slots may keep protects the primary's disk if the replica goes away.
SLOT=${REPLICA_SLOT:-telesales_replica}
psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qAt >/dev/null <<SQL
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active;
SQL
if [ "$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "SHOW max_slot_wal_keep_size")" = "-1" ]; then
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qAtc "ALTER SYSTEM SET max_slot_wal_keep_size = '4GB'" >/dev/null
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qAtc "SELECT pg_reload_conf()" >/dev/null
fi

if [ -f "$DIR/postmaster.pid" ]; then as_postgres "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null || true; fi
rm -rf "$DIR"
mkdir -p "$DIR"
chmod 700 "$DIR"
[ "$(id -u)" = 0 ] && chown postgres: "$DIR"
as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR" -R -X stream -c fast -C -S "$SLOT"
# Debian keeps the server's configuration outside its data directory: the replica gets its own.
as_postgres tee "$DIR/postgresql.conf" >/dev/null <<CONF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
hot_standby = on
CONF
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$DIR/pg_hba.conf" >/dev/null
as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null
echo "replica of 127.0.0.1:$PRIMARY_PORT on 127.0.0.1:$REPLICA_PORT ($DIR)"
