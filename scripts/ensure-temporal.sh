#!/usr/bin/env bash
# Puts the official Temporal CLI (dev server + Web UI) at .tools/bin/temporal, building it once with Go.
# Later CLI tags carry a replace directive and cannot be go-installed, hence the pinned fallbacks.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
bin=.tools/bin/temporal
if [ -x "$bin" ]; then exit 0; fi
mkdir -p .tools/bin
gobin="$(go env GOPATH 2>/dev/null)/bin/temporal"
if [ -x "$gobin" ] && "$gobin" server start-dev --help >/dev/null 2>&1; then
  cp "$gobin" "$bin"; exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "Go not found: the Temporal SDK will download its own CLI on first use (needs internet)." >&2
  exit 0
fi
for v in v1.5.1 v1.4.1 v1.3.0; do
  echo "Building the Temporal CLI $v (once; cached in .tools/bin)…" >&2
  if GOBIN="$PWD/.tools/bin" go install "github.com/temporalio/cli/cmd/temporal@$v"; then exit 0; fi
  echo "go install of temporal $v failed; trying the next tag" >&2
done
echo "Could not build the Temporal CLI with go install (see errors above)." >&2
exit 1
