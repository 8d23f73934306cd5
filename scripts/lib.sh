# shellcheck shell=bash
# scripts/lib.sh - shared helpers for the service scripts (kafka.sh, elasticsearch.sh,
# opensearch.sh, services.sh, ollama.sh). Source it; it is safe under `set -euo pipefail`
# and defines functions and a few variables only (no side effects at source time).
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Variables
#   IRA_CACHE        download/install cache (default $HOME/.cache/ira)
#   IRA_RUN_DIR      root of per-service run dirs (default $IRA_CACHE/run)
#   IRA_SVC_USER     non-root user for services that refuse root (default ira-svc)
#   IRA_SVC_ROOT     install+data root for services run as IRA_SVC_USER. As root it defaults
#                    to /var/lib/ira-svc (the user's home), because $HOME is usually /root with
#                    mode 0700 and the service user could not reach $IRA_CACHE there; as a
#                    normal user it defaults to $IRA_CACHE/svc.
#
# Functions (all messages go to stderr; "die" exits 1)
#   ira_log MSG...                       "[ira:<tag>] MSG" to stderr (tag = $IRA_LOG_TAG)
#   ira_die MSG...                       ira_log then exit 1
#   die_with_log LOGFILE MSG...          MSG, then the last 60 lines of LOGFILE, then exit 1
#   ira_run_dir SERVICE                  echo (and mkdir -p) ${IRA_RUN_DIR:-$IRA_CACHE/run}/SERVICE
#                                        (pid file + console log)
#   ira_svc_root                         echo (and mkdir -p) IRA_SVC_ROOT (see above)
#   ira_with_lock NAME CMD...            run CMD holding an exclusive flock on $IRA_CACHE/locks/NAME.lock
#                                        (serialises install/start across concurrent callers)
#   ira_find_java MAJOR                  echo a JAVA_HOME whose major version is MAJOR, or fail
#   ira_mvn ARGS...                      mvn in batch+quiet mode (plus $IRA_MVN_ARGS, e.g.
#                                        -Dmaven.repo.local=DIR); prints its output only on failure
#   port_in_use HOST PORT                true if something accepts TCP connections on HOST:PORT
#   wait_port HOST PORT TIMEOUT LOGFILE [PIDFILE]
#                                        wait until HOST:PORT accepts; die_with_log on timeout or if
#                                        the process in PIDFILE exits first
#   wait_http URL TIMEOUT LOGFILE [PIDFILE]
#                                        wait until URL answers 2xx (curl -f); same failure rules
#   pid_read PIDFILE                     echo the pid in PIDFILE (empty if none)
#   pid_alive PIDFILE                    true if PIDFILE names a live process
#   start_detached PIDFILE LOGFILE RUNAS CMD...
#                                        start CMD in its own session (setsid), stdout+stderr to
#                                        LOGFILE (previous log kept as LOGFILE.1), pid to PIDFILE.
#                                        RUNAS: "" = current user, else a user name (root only;
#                                        uses setpriv, so the recorded pid is the service itself)
#   stop_pidfile PIDFILE NAME [TIMEOUT]  SIGTERM the process group started by start_detached,
#                                        SIGKILL after TIMEOUT (default 30) s, remove PIDFILE.
#                                        Only ever signals the pid recorded in PIDFILE.
#   install_maven_zip ARTIFACT DEST      fetch g:a:v:zip with mvn, unpack its top folder to DEST
#                                        (cached: no-op if DEST/.ira-installed exists); returns 1
#                                        after printing mvn's error if it cannot be had
#   ensure_service_user NAME             as root: create system user NAME (home IRA_SVC_ROOT) if
#                                        missing; echo the user to run services as (NAME as root,
#                                        the current user otherwise)

IRA_CACHE="${IRA_CACHE:-$HOME/.cache/ira}"
IRA_SVC_USER="${IRA_SVC_USER:-ira-svc}"
IRA_LOG_TAG="${IRA_LOG_TAG:-services}"

ira_log() { printf '[ira:%s] %s\n' "$IRA_LOG_TAG" "$*" >&2; }

ira_die() { ira_log "ERROR: $*"; exit 1; }

die_with_log() {
  local logfile="$1"; shift
  ira_log "ERROR: $*"
  if [[ -f "$logfile" ]]; then
    printf -- '----- last 60 lines of %s -----\n' "$logfile" >&2
    tail -n 60 "$logfile" >&2 || true
    printf -- '----- end of %s -----\n' "$logfile" >&2
  else
    ira_log "(no log file at $logfile)"
  fi
  exit 1
}

ira_run_dir() {
  local dir="${IRA_RUN_DIR:-$IRA_CACHE/run}/$1"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

ira_svc_root() {
  local root
  if [[ -n "${IRA_SVC_ROOT:-}" ]]; then root="$IRA_SVC_ROOT"
  elif [[ "$(id -u)" == 0 ]]; then root=/var/lib/ira-svc
  else root="$IRA_CACHE/svc"
  fi
  mkdir -p "$root"
  printf '%s\n' "$root"
}

ira_with_lock() {
  local name="$1"; shift
  mkdir -p "$IRA_CACHE/locks"
  (
    # Long wait on purpose: a concurrent caller may be doing a cold install.
    flock -w 900 9 || ira_die "timed out waiting for lock $name"
    "$@"
  ) 9>"$IRA_CACHE/locks/$name.lock"
}

# The java binary for Kafka and Kafka Connect (Java 17): KAFKA_JAVA_HOME, else a JDK 17 found on the machine.
ira_kafka_java() {
  local home="${KAFKA_JAVA_HOME:-}"
  [[ -n "$home" ]] || home="$(ira_find_java 17)" || ira_die "${1:-Kafka} needs a Java 17 JDK (set KAFKA_JAVA_HOME)"
  printf '%s/bin/java\n' "$home"
}

ira_find_java() {
  local major="$1" home ver
  for home in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [[ -x "$home/bin/java" && -f "$home/release" ]] || continue
    ver="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")"
    if [[ "$ver" == "$major" ]]; then readlink -f "$home"; return 0; fi
  done
  ira_log "no Java $major JDK found (looked at \$JAVA_HOME and /usr/lib/jvm/*)"
  return 1
}

ira_mvn() {
  command -v mvn >/dev/null || ira_die "mvn not found on PATH (needed to fetch service artifacts)"
  local out rc=0
  local -a extra=()
  # shellcheck disable=SC2206 # word splitting of IRA_MVN_ARGS is the point
  [[ -n "${IRA_MVN_ARGS:-}" ]] && extra=(${IRA_MVN_ARGS})
  # Serialised: parallel installs would otherwise write the same local-repository files at once.
  out="$(ira_with_lock mvn mvn -B -q -Dstyle.color=never "${extra[@]}" "$@" 2>&1)" || rc=$?
  if [[ $rc -ne 0 ]]; then
    ira_log "mvn $* failed (exit $rc):"
    printf '%s\n' "$out" | tail -n 40 >&2
    return "$rc"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

pid_read() {
  if [[ -f "$1" ]]; then tr -dc '0-9' <"$1"; fi
}

pid_alive() {
  local pid; pid="$(pid_read "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# Shared loop of wait_port / wait_http: $1=description, $2=timeout, $3=log, $4=pidfile, rest=probe cmd.
_ira_wait() {
  local what="$1" timeout="$2" logfile="$3" pidfile="$4"; shift 4
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if "$@"; then return 0; fi
    if [[ -n "$pidfile" ]] && ! pid_alive "$pidfile"; then
      die_with_log "$logfile" "process exited while waiting for $what"
    fi
    sleep 1
  done
  die_with_log "$logfile" "timed out after ${timeout}s waiting for $what"
}

wait_port() {
  _ira_wait "$1:$2 to accept connections" "$3" "$4" "${5:-}" port_in_use "$1" "$2"
}

_ira_http_ok() { curl -fsS -o /dev/null --max-time 5 "$1" 2>/dev/null; }

wait_http() {
  _ira_wait "$1 to answer 2xx" "$2" "$3" "${4:-}" _ira_http_ok "$1"
}

start_detached() {
  local pidfile="$1" logfile="$2" runas="$3"; shift 3
  [[ -f "$logfile" ]] && mv -f "$logfile" "$logfile.1"
  local -a prefix=()
  if [[ -n "$runas" && "$runas" != "$(id -un)" ]]; then
    [[ "$(id -u)" == 0 ]] || ira_die "cannot run as $runas: not root"
    prefix=(setpriv "--reuid=$runas" "--regid=$(id -g "$runas")" --init-groups
      env "HOME=$(getent passwd "$runas" | cut -d: -f6)" "USER=$runas" "LOGNAME=$runas")
  fi
  # fd 9 is ira_with_lock's lock: closed so the service does not hold the lock for its lifetime.
  # The inner shell records its own pid before exec'ing, so the pid file is right even if setsid
  # had to fork; that pid leads a fresh process group which stop_pidfile signals as a whole.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "${prefix[@]}" "$@" \
    >>"$logfile" 2>&1 </dev/null 9>&- &
  local _
  for _ in $(seq 1 50); do [[ -s "$pidfile" ]] && return 0; sleep 0.1; done
  die_with_log "$logfile" "process did not record its pid in $pidfile"
}

stop_pidfile() {
  local pidfile="$1" name="$2" timeout="${3:-30}" pid
  pid="$(pid_read "$pidfile")"
  if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pidfile"; ira_log "$name is not running"; return 0
  fi
  ira_log "stopping $name (pid $pid)"
  # Signal the group only when this pid leads it (i.e. start_detached started it).
  local target="$pid"
  [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" == "$pid" ]] && target="-$pid"
  kill -TERM -- "$target" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    ira_log "$name did not stop within ${timeout}s; sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$pidfile"
  ira_log "$name stopped"
}

_ira_create_user() {
  local name="$1" home="$2"
  id -u "$name" >/dev/null 2>&1 && return 0
  ira_log "creating system user $name (home $home) to run services that refuse root"
  useradd --system --user-group --home-dir "$home" --no-create-home \
    --shell /usr/sbin/nologin "$name"
}

ensure_service_user() {
  local name="${1:-$IRA_SVC_USER}"
  if [[ "$(id -u)" != 0 ]]; then id -un; return 0; fi
  local home; home="$(ira_svc_root)"
  ira_with_lock useradd _ira_create_user "$name" "$home" >&2
  chown "$name:" "$home"
  printf '%s\n' "$name"
}

# install_maven_zip ARTIFACT DEST
#   Fetch a zip distribution (groupId:artifactId:version:zip) with mvn and unpack its single
#   top-level folder to DEST (world-readable). No-op when DEST/.ira-installed exists. The zip
#   itself stays cached in the local Maven repository only.
install_maven_zip() {
  local artifact="$1" dest="$2"
  [[ -f "$dest/.ira-installed" ]] && return 0
  command -v unzip >/dev/null || ira_die "unzip is required (apt-get install unzip)"
  local tmp="$dest.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp/zip" "$tmp/x"
  ira_log "fetching $artifact with mvn"
  if ! ira_mvn org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="$artifact" -DoutputDirectory="$tmp/zip" -Dmdep.overWriteReleases=true; then
    rm -rf "$tmp"; ira_log "could not fetch $artifact (mvn error above)"; return 1
  fi
  local zip; zip="$(find "$tmp/zip" -name '*.zip' | head -n 1)"
  [[ -n "$zip" ]] || { rm -rf "$tmp"; ira_log "mvn fetched no zip for $artifact"; return 1; }
  unzip -q "$zip" -d "$tmp/x" || { rm -rf "$tmp"; ira_log "unzip of $zip failed"; return 1; }
  local top; top="$(find "$tmp/x" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
  [[ -n "$top" ]] || { rm -rf "$tmp"; ira_log "$zip has no top-level folder"; return 1; }
  chmod -R a+rX "$top"
  date -u +%FT%TZ >"$top/.ira-installed"
  rm -rf "$dest"; mkdir -p "$(dirname "$dest")"; mv "$top" "$dest"
  rm -rf "$tmp"
}
