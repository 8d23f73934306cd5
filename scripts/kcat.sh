#!/usr/bin/env bash
# scripts/kcat.sh {install|version}
#
# kcat (formerly kafkacat), the librdkafka command-line producer/consumer that the shell connectors in
# connectors/kcat/ and connectors/wazuh/ run. It comes from the Debian package `kcat` through apt-get.
#
#   install   apt-get install kcat when `kcat` is not on PATH (no-op otherwise); fails if it cannot
#   version   print `kcat -V`'s first line; exit 1 when kcat is missing
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IRA_LOG_TAG=kcat
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SCRIPT_DIR/lib.sh"

do_install() {
  if command -v kcat >/dev/null; then return 0; fi
  command -v apt-get >/dev/null || ira_die "kcat is missing and this machine has no apt-get: install the kcat package"
  local -a sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || ira_die "kcat is missing; installing it needs root (or sudo)"
    sudo=(sudo)
  fi
  ira_log "installing the Debian package kcat"
  local out rc=0
  # The package lists may be stale on a fresh machine: refresh them once if the first try cannot find it.
  out="$("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kcat 2>&1)" || rc=$?
  if [[ $rc -ne 0 ]]; then
    "${sudo[@]}" apt-get update -q >/dev/null 2>&1 || true
    rc=0
    out="$("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kcat 2>&1)" || rc=$?
  fi
  if [[ $rc -ne 0 ]]; then
    printf '%s\n' "$out" | tail -n 20 >&2
    ira_die "apt-get install kcat failed (exit $rc)"
  fi
  command -v kcat >/dev/null || ira_die "apt-get installed kcat but it is not on PATH"
  ira_log "$(kcat -V 2>&1 | head -n 1)"
}

do_version() {
  command -v kcat >/dev/null || ira_die "kcat is not installed (bash scripts/kcat.sh install)"
  kcat -V 2>&1 | head -n 1
}

cmd="${1:-}"; [[ $# -gt 0 ]] && shift
case "$cmd" in
  install) ira_with_lock kcat-install do_install ;;
  version) do_version ;;
  *) echo "usage: $0 {install|version}" >&2; exit 2 ;;
esac
