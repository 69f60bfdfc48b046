#!/bin/sh
# `npm start|worker|api` after `npm run build`: the compiled service, sized for a 256 MiB container by default.
# V8 grows its heap lazily while memory is plentiful; the cap keeps the worker small without costing speed
# (bench/bulk-sync). Set NODE_OPTIONS to size it otherwise. Two malloc arenas instead of one per thread
# (Temporal's native core runs several) save about 30 MiB of fragmented native memory at no measurable cost.
set -e
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export WORKFLOW_BUNDLE_PATH="${WORKFLOW_BUNDLE_PATH:-dist/workflow-bundle.js}"
export NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=128 --max-semi-space-size=2}"
exec node --enable-source-maps "dist/$1.js"
