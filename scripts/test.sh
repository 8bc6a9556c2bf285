#!/usr/bin/env bash
# Runs every test. The tests start their own redis-server processes on free loopback ports;
# this script installs redis-server when it is missing, then prints one summary line:
#   N passed, N failed[, N skipped]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh

ensure_redis_server

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

set +e
dotnet test CacheAside.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?
set -e

passed=0; failed=0; total=0; executed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  total=$((total + $(value total)))
  executed=$((executed + $(value executed)))
done
skipped=$((total - executed))

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo
echo "$summary"

if [ "$total" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
if [ "$status" -ne 0 ] || [ "$failed" -gt 0 ]; then
  exit 1
fi
