#!/bin/sh
# One-shot job (temporalio/admin-tools): waits for the Temporal frontend, creates the
# namespace the service uses and registers the service's Keyword search attributes
# (KgcCustomerId, KgcEventType; see the README, "Finding a customer's runs in the Web UI").
# Idempotent: an existing namespace or attribute of the same type is left alone.
set -eu

NAMESPACE=${DEFAULT_NAMESPACE:-default}
TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
RETENTION=${NAMESPACE_RETENTION:-72h}
SEARCH_ATTRIBUTES=${SEARCH_ATTRIBUTES:-KgcCustomerId KgcEventType}
MAX_ATTEMPTS=${TEMPORAL_HEALTH_CHECK_MAX_ATTEMPTS:-60}
SLEEP_SECONDS=${TEMPORAL_HEALTH_CHECK_SLEEP_SECONDS:-5}

# Every CLI call names the frontend explicitly.
t() {
  temporal "$@" --address "$TEMPORAL_ADDRESS"
}

# retry "<what>" command...: runs the command until it succeeds or MAX_ATTEMPTS is reached.
retry() {
  what=$1
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      echo "$what: still failing after $MAX_ATTEMPTS attempts" >&2
      return 1
    fi
    echo "$what: not yet (attempt $attempt/$MAX_ATTEMPTS), retrying in ${SLEEP_SECONDS}s..."
    attempt=$((attempt + 1))
    sleep "$SLEEP_SECONDS"
  done
}

server_port_open() {
  nc -z -w 10 "${TEMPORAL_ADDRESS%:*}" "${TEMPORAL_ADDRESS##*:}"
}

ensure_namespace() {
  t operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1 ||
    t operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
}

has_search_attribute() {
  t operator search-attribute list --namespace "$NAMESPACE" |
    grep -Eq "(^|[[:space:]])$1([[:space:]]|$)"
}

ensure_search_attribute() {
  has_search_attribute "$1" ||
    t operator search-attribute create --namespace "$NAMESPACE" --name "$1" --type Keyword ||
    has_search_attribute "$1"
}

echo "Waiting for the Temporal frontend at $TEMPORAL_ADDRESS..."
retry "Temporal port" server_port_open
retry "Temporal health" t operator cluster health

echo "Ensuring namespace '$NAMESPACE' (retention $RETENTION)..."
retry "Namespace '$NAMESPACE'" ensure_namespace

for attribute in $SEARCH_ATTRIBUTES; do
  echo "Ensuring Keyword search attribute '$attribute' in '$NAMESPACE'..."
  retry "Search attribute '$attribute'" ensure_search_attribute "$attribute"
done

t operator search-attribute list --namespace "$NAMESPACE"
echo "Namespace '$NAMESPACE' is ready."
