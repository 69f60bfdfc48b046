#!/bin/sh
# One-shot job (postgres image, for psql): creates the service's login role and its own
# database `kgc_integration` next to Temporal's databases. Idempotent, so it also works on
# an existing data volume (docker-entrypoint-initdb.d scripts only run on an empty one),
# and it re-applies the role's password so KGC_DB_PASSWORD changes take effect.
# Connection to the server comes from PGHOST, PGPORT, PGUSER, PGPASSWORD.
set -eu

: "${KGC_DB_PASSWORD:?ERROR: KGC_DB_PASSWORD environment variable is required}"
KGC_DB_NAME=${KGC_DB_NAME:-kgc_integration}
KGC_DB_USER=${KGC_DB_USER:-kgc_integration}

echo "Waiting for PostgreSQL at ${PGHOST:-localhost}:${PGPORT:-5432}..."
until pg_isready -q; do sleep 1; done

psql --no-psqlrc -v ON_ERROR_STOP=1 --dbname postgres \
  -v db="$KGC_DB_NAME" -v role="$KGC_DB_USER" -v pw="$KGC_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'role', :'pw')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db')\gexec
SQL

echo "Database '$KGC_DB_NAME' owned by '$KGC_DB_USER' is ready."
