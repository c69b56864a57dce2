#!/bin/sh
# The read replica's entrypoint: on first start, copy the primary with
# pg_basebackup -R (which writes standby.signal and the primary_conninfo naming
# the primary and the replication role), then run as a hot standby streaming
# from it. Later starts resume streaming from where it stopped.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h "$PRIMARY_HOST" -U replicator -d postgres -q; do sleep 2; done
  until pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" \
        -X stream -R --checkpoint=fast --no-password; do
    echo "pg_basebackup failed; retrying in 5 s"
    rm -rf "${PGDATA:?}"/*
    sleep 5
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
