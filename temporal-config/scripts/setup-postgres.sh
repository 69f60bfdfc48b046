#!/bin/sh
# One-shot schema job (temporalio/admin-tools): creates the Temporal persistence and
# visibility databases and brings both schemas up to the versions shipped with the image.
# Same temporal-sql-tool steps as temporalio/samples-server compose/scripts/setup-postgres.sh.
# Safe to re-run: `create` ignores an existing database, `setup-schema -v 0.0` keeps a newer
# version, and `update-schema` only applies missing versions (so image upgrades migrate too).
# The password comes from SQL_PASSWORD in the environment.
set -eu

: "${POSTGRES_SEEDS:?ERROR: POSTGRES_SEEDS environment variable is required}"
: "${POSTGRES_USER:?ERROR: POSTGRES_USER environment variable is required}"
DB_PORT=${DB_PORT:-5432}
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
nc -z -w 10 "$POSTGRES_SEEDS" "$DB_PORT"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" "$@"
}

# database name : schema directory under $SCHEMA_ROOT
for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=${pair#*:}
  echo "Setting up database '$db'..."
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$SCHEMA_ROOT/$dir/versioned"
done

echo 'PostgreSQL schema setup complete'
