#!/usr/bin/env bash
# Runs the demo against a Redis it brings up itself: Docker Compose where a Docker engine runs,
# otherwise a private redis-server on a free loopback port (installed when missing), stopped at exit.
# Arguments are passed to the demo (try --help); with --redis, the demo uses that server and none is started;
# with --cluster, it runs against a local Redis Cluster (three primaries, three replicas) started for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/redis.sh

given_redis=""
cluster=""
arguments=()
for argument in "$@"; do
  case "$argument" in
    --redis|--redis=*) given_redis=1; arguments+=("$argument") ;;
    --cluster) cluster=1 ;;
    *) arguments+=("$argument") ;;
  esac
done
set -- "${arguments[@]+"${arguments[@]}"}"

if [ -n "$cluster" ]; then
  ensure_redis_server
  dir=$(mktemp -d)
  trap 'stop_cluster "$dir"' EXIT
  echo "Starting a local Redis Cluster (3 primaries, 3 replicas) for this run..." >&2
  redis=$(start_cluster "$dir")
  echo "Redis Cluster at $redis." >&2
elif [ -n "$given_redis" ]; then
  # The demo was told which Redis to use (perhaps one that is down, on purpose): bring none up.
  redis="${CACHEASIDE_REDIS:-}"
elif [ -n "${CACHEASIDE_REDIS:-}" ]; then
  redis="$CACHEASIDE_REDIS"
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "Starting Redis with Docker Compose..." >&2
  docker compose up -d --wait >&2
  redis="localhost:6379"
else
  ensure_redis_server
  port=$(free_port)
  dir=$(mktemp -d)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize no >"$dir/redis.log" 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 1 100); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.05
  done
  echo "No Docker engine here: started redis-server on 127.0.0.1:$port for this run." >&2
  redis="127.0.0.1:$port"
fi

if [ -n "$redis" ]; then
  export CACHEASIDE_REDIS="$redis"
fi
dotnet run --project CacheAside.Demo -c Release -- "$@"
