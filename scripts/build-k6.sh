#!/usr/bin/env bash
# Builds the k6 binaries the failover suite can use instead of the built-in Node writer:
#   .tools/k6      plain k6 (HTTP writer, fixtures/k6/counter-http.js)
#   .tools/k6-sql  k6 with xk6-sql + the postgres driver (fixtures/k6/counter-sql.js)
# Best effort: every step is time-bounded and this script always exits 0; the harness
# falls back to the Node writer for whatever is missing.
set -u

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools"
step_timeout="${BUILD_K6_TIMEOUT:-900}"
export GOFLAGS="${GOFLAGS:--mod=mod}"
mkdir -p "$tools"

log() { printf 'build-k6: %s\n' "$*"; }

if ! command -v go >/dev/null 2>&1; then
  log "go not found on PATH; nothing built (the Node writer will be used)"
  exit 0
fi
gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"
log "using $(go version)"

run_step() {
  local name="$1"; shift
  local started=$SECONDS rc=0
  timeout "$step_timeout" "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    log "$name: ok ($((SECONDS - started))s)"
    return 0
  fi
  if [ "$rc" -eq 124 ]; then
    log "$name: timed out after ${step_timeout}s"
  else
    log "$name: failed with exit $rc ($((SECONDS - started))s)"
  fi
  return 1
}

build_sql() {
  # xk6 v1 is a command module at its root; v0 kept the command under cmd/xk6.
  run_step "go install xk6" go install go.k6.io/xk6@latest \
    || run_step "go install xk6 (cmd/xk6)" go install go.k6.io/xk6/cmd/xk6@latest \
    || return 1
  (cd "$tools" && run_step "xk6 build k6-sql" xk6 build \
    --with github.com/grafana/xk6-sql@latest \
    --with github.com/grafana/xk6-sql-driver-postgres@latest \
    --output "$tools/k6-sql") || return 1
  log "built $tools/k6-sql: $("$tools/k6-sql" version 2>&1 | head -n 1)"
}

build_plain() {
  run_step "go install k6" go install go.k6.io/k6@latest || return 1
  cp "$gobin/k6" "$tools/k6" || { log "copy of $gobin/k6 failed"; return 1; }
  log "built $tools/k6: $("$tools/k6" version 2>&1 | head -n 1)"
}

build_sql || log "k6-sql not built"
build_plain || log "k6 not built"
exit 0
