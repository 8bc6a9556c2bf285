# Shared by the scripts: make sure the redis-server binary is installed.
# Sourced, not run.

ensure_redis_server() {
  if command -v redis-server >/dev/null 2>&1; then
    return 0
  fi
  echo "redis-server is not installed; installing the Debian/Ubuntu package redis-server..." >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "Cannot install redis-server without root. Install it yourself: apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS)." >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here. Install redis-server with your package manager (brew install redis on macOS), then run this again." >&2
    return 1
  fi
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >&2
  command -v redis-server >/dev/null 2>&1 || { echo "Installing redis-server failed." >&2; return 1; }
  # The package may start a system service on 6379; the scripts and tests use their own servers.
}

# A free TCP port on loopback.
free_port() {
  python3 - <<'PY' 2>/dev/null || echo 6390
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# Starts a local Redis Cluster of three primaries and three replicas on free loopback ports, with its files in
# directory $1. Prints the StackExchange.Redis configuration string (every node); the nodes' process ids
# are in $1/pids. Stop it with stop_cluster $1.
start_cluster() {
  local dir="$1" endpoints="" port
  mkdir -p "$dir"
  : >"$dir/pids"
  for _ in 1 2 3 4 5 6; do
    port=$(free_cluster_port)
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir/$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 1000 --daemonize no \
      >"$dir/$port/redis.log" 2>&1 &
    echo $! >>"$dir/pids"
    for _ in $(seq 1 100); do
      if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
      sleep 0.05
    done
    endpoints="$endpoints 127.0.0.1:$port"
  done
  # shellcheck disable=SC2086
  redis-cli --cluster create $endpoints --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 || {
    echo "redis-cli --cluster create failed:" >&2; cat "$dir/create.log" >&2; return 1; }
  for _ in $(seq 1 200); do
    local ok=1
    for endpoint in $endpoints; do
      redis-cli -p "${endpoint##*:}" cluster info 2>/dev/null | grep -q "cluster_state:ok" || ok=0
    done
    [ "$ok" = 1 ] && break
    sleep 0.1
  done
  echo "$endpoints" | sed 's/^ //; s/ /,/g'
}

# A free loopback port whose cluster bus port (the port + 10000) is free too, and below 65536.
free_cluster_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import random, socket
while True:
    port = random.randint(20000, 45000)
    try:
        for p in (port, port + 10000):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            s.close()
        print(port)
        break
    except OSError:
        continue
PY
}

# Stops the cluster start_cluster started in directory $1, by its process ids, and removes its files.
stop_cluster() {
  local dir="$1"
  if [ -f "$dir/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
    while read -r pid; do wait "$pid" 2>/dev/null || true; done <"$dir/pids"
  fi
  rm -rf "$dir"
}
