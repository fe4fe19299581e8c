#!/usr/bin/env bash
# Installs everything sovereign-walk needs on a fresh Debian machine (idempotent):
# Debian's Chromium, nats-server, PostgreSQL 15 and Redis (the embedded Sovereign's Valkey); Debian's
# kubectl (kept in .tools/ so it never clobbers a kubectl the machine already has); npm dependencies;
# the embedded Sovereign's real control plane and Flux controllers, built from the Go module proxy
# into a per-user cache (scripts/build-control-plane.ts). k6 is never built here: the failover suite
# uses the k6 the user installed, if any.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v ip >/dev/null || need+=(iproute2)
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || need+=(nftables)
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v certutil >/dev/null || need+=(libnss3-tools)
command -v git >/dev/null || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

mkdir -p .tools
if [ ! -x .tools/kubectl-debian ]; then
  # Debian's kubernetes-client conflicts with other kubectl packages on /usr/bin/kubectl: unpack it privately.
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download kubernetes-client >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download kubernetes-client >/dev/null; })
  dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$tmp/x"
  cp "$tmp/x/usr/bin/kubectl" .tools/kubectl-debian
  rm -rf "$tmp"
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi

command -v go >/dev/null || { echo "setup: Go is needed to build the embedded Sovereign's control plane (https://go.dev/dl)" >&2; exit 1; }
npx tsx scripts/build-control-plane.ts
echo "setup: done (chromium $(chromium --version 2>/dev/null | awk '{print $2}'), $(.tools/kubectl-debian version --client --short 2>/dev/null))"
