#!/bin/sh
# First start of the `db` service (docker-entrypoint-initdb.d): let the
# `db-replica` service of the `scale` profile stream its WAL (pg_basebackup
# -R), as the database's own user, from the compose network. wal_level is
# `replica` by default in PostgreSQL 15.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
