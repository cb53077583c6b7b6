#!/usr/bin/env bash
# What a team outside this repository does: installs the harness and the CLI from packed
# tarballs into a fresh project in a temporary directory, and runs the example consumer's
# tests there (packages/testkit/example). The temporary directory goes, whatever happens.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
# The harness and what it depends on from this repository, as npm would publish them.
npm pack --silent --pack-destination "$work" -w @payhook/webhook-signature -w @payhook/messaging -w @payhook/testkit -w @payhook/cli >/dev/null
mkdir "$work/project"
cp packages/testkit/example/*.test.js packages/testkit/example/consumer.js "$work/project/"

cd "$work/project"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work"/*.tgz express@^5 jest@^30
echo "[harness] installed in $work/project: $(ls node_modules/@payhook | tr '\n' ' ')"
npx jest --ci
# The CLI runs there too: with no stack, it says so in one line and exits 1.
npx payhook --help >/dev/null
if output="$(WEBHOOK_DISPATCHER_URL=http://127.0.0.1:47999 npx payhook deliveries 2>&1)"; then
  echo "[harness] payhook deliveries should have failed without a stack" >&2
  exit 1
fi
case "$output" in
  *"cannot reach webhook-dispatcher at http://127.0.0.1:47999"*) echo "[harness] the installed CLI answers: $output" ;;
  *) echo "[harness] unexpected answer from the installed CLI: $output" >&2; exit 1 ;;
esac
