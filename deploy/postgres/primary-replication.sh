#!/bin/sh
# Run once by the postgres image when the primary's data directory is created
# (docker-entrypoint-initdb.d): a role for the read replica's streaming
# replication, allowed to replicate from the compose network only.
set -eu
psql -v ON_ERROR_STOP=1 -v password="$REPLICATION_PASSWORD" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator samenet scram-sha-256" >> "$PGDATA/pg_hba.conf"
