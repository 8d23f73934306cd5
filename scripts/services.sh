#!/usr/bin/env bash
# scripts/services.sh {up|down|status} [kafka] [elasticsearch] [opensearch] [ollama]
#
# Brings the real services used by the integration tests up (install when missing, then start,
# all on 127.0.0.1), down, or reports on them. With no names: kafka, elasticsearch, opensearch,
# and ollama when scripts/ollama.sh exists (or the names in $IRA_SERVICES, space-separated).
#
#   up      phase 1 installs every named service in parallel (downloads/builds, cached), phase 2
#           starts them in parallel and waits for each health check; no-op for healthy ones
#   down    stops what these scripts started (never other processes)
#   status  one line per service
#
# Output lines are prefixed with the service name; a summary with the endpoints comes last.
# Exit status: 0 when every named service succeeded, 1 otherwise (2 for usage errors).
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IRA_LOG_TAG=services
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SCRIPT_DIR/lib.sh"

usage() { echo "usage: $0 {up|down|status} [kafka] [elasticsearch] [opensearch] [ollama]" >&2; exit 2; }

action="${1:-}"; [[ $# -gt 0 ]] && shift
case "$action" in up|down|status) ;; *) usage ;; esac

declare -a names=()
if [[ $# -gt 0 ]]; then names=("$@")
elif [[ -n "${IRA_SERVICES:-}" ]]; then read -r -a names <<<"$IRA_SERVICES"
else
  names=(kafka elasticsearch opensearch)
  [[ -f "$SCRIPT_DIR/ollama.sh" ]] && names+=(ollama)
fi
for n in "${names[@]}"; do
  case "$n" in kafka|elasticsearch|opensearch|ollama) ;; *) echo "unknown service: $n" >&2; usage ;; esac
done

endpoint() {
  case "$1" in
    kafka) echo "127.0.0.1:${KAFKA_PORT:-29092} (bootstrap)" ;;
    elasticsearch) echo "http://127.0.0.1:${ES_PORT:-29200}" ;;
    opensearch) echo "http://127.0.0.1:${OPENSEARCH_PORT:-29201}" ;;
    ollama) echo "http://${IRA_OLLAMA_ADDR:-127.0.0.1:21434}" ;;
  esac
}

OUT_DIR="$(ira_run_dir services)"

# run_one SERVICE SUBCOMMAND: runs scripts/SERVICE.sh SUBCOMMAND with prefixed output; the exit
# code is written to $OUT_DIR/SERVICE.rc so parallel runs can be collected.
run_one() {
  local svc="$1" sub="$2" script="$SCRIPT_DIR/$1.sh" rc=0 t0=$SECONDS
  if [[ ! -f "$script" ]]; then
    printf '%-13s| %s\n' "$svc" "scripts/$svc.sh does not exist"
    echo 1 >"$OUT_DIR/$svc.rc"; return 0
  fi
  # pipefail (set above) makes the pipeline's status the script's own.
  bash "$script" "$sub" 2>&1 | while IFS= read -r line; do printf '%-13s| %s\n' "$svc" "$line"; done \
    || rc=$?
  echo "$rc $((SECONDS - t0))" >"$OUT_DIR/$svc.rc"
}

# parallel SUBCOMMAND SERVICE...: run_one for each in the background, wait for all.
parallel() {
  local sub="$1"; shift
  local svc
  for svc in "$@"; do rm -f "$OUT_DIR/$svc.rc"; run_one "$svc" "$sub" & done
  wait
}

rc_of() { if [[ -f "$OUT_DIR/$1.rc" ]]; then cut -d' ' -f1 "$OUT_DIR/$1.rc"; else echo 1; fi; }
secs_of() { if [[ -f "$OUT_DIR/$1.rc" ]]; then cut -s -d' ' -f2 "$OUT_DIR/$1.rc"; fi; }

declare -A failed=()
t_start=$SECONDS
case "$action" in
  up)
    ira_log "installing (cached when present): ${names[*]}"
    parallel install "${names[@]}"
    declare -a to_start=()
    for n in "${names[@]}"; do
      if [[ "$(rc_of "$n")" == 0 ]]; then to_start+=("$n"); else failed[$n]="install failed"; fi
    done
    if [[ ${#to_start[@]} -gt 0 ]]; then
      ira_log "starting: ${to_start[*]}"
      parallel start "${to_start[@]}"
      for n in "${to_start[@]}"; do [[ "$(rc_of "$n")" == 0 ]] || failed[$n]="start failed"; done
    fi
    ;;
  down)
    parallel stop "${names[@]}"
    for n in "${names[@]}"; do [[ "$(rc_of "$n")" == 0 ]] || failed[$n]="stop failed"; done
    ;;
  status)
    parallel status "${names[@]}"
    for n in "${names[@]}"; do
      case "$(rc_of "$n")" in 0) ;; 3) failed[$n]="stopped" ;; *) failed[$n]="unhealthy" ;; esac
    done
    ;;
esac

echo
echo "== services $action summary ($((SECONDS - t_start))s) =="
for n in "${names[@]}"; do
  if [[ -n "${failed[$n]:-}" ]]; then state="FAILED: ${failed[$n]}"
  elif [[ "$action" == down ]]; then state="stopped"
  else state="running"
  fi
  s="$(secs_of "$n")"
  printf '  %-13s %-24s %s%s\n' "$n" "$state" "$(endpoint "$n")" "${s:+  (${s}s)}"
done
if [[ ${#failed[@]} -gt 0 ]]; then
  [[ "$action" == status ]] || ira_log "failed: ${!failed[*]} (logs under ${IRA_RUN_DIR:-$IRA_CACHE/run}/<service>/)"
  exit 1
fi
