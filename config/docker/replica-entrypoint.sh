#!/bin/sh
# The `db-replica` service of the `scale` profile: a streaming replica of
# `db`, made once with pg_basebackup -R (standby.signal and primary_conninfo),
# then served read-only (hot standby) by the image's own entrypoint.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    chown postgres "$PGDATA"
    chmod 700 "$PGDATA"
    until gosu postgres pg_basebackup -h db -U "$POSTGRES_USER" -D "$PGDATA" \
            -R -X stream -c fast; do
        echo "waiting for the primary (db) to accept replication..."
        sleep 2
    done
fi
exec docker-entrypoint.sh postgres -c hot_standby=on
