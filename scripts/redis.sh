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
