#!/usr/bin/env bash
# ira-connector: kcat-tail-alerts
# ira-name: Any one-alert-per-line file (eve.json, alerts.json, alert_fast.txt, notice.log) tailed into Kafka by kcat
# ira-formats: suricata-eve, wazuh, snort, zeek-notice
# ira-topic: ira.alerts
# ira-message: line
# ira-docs: https://github.com/edenhill/kcat#examples
#
#   tail-alerts.sh FILE
#
# Follows kcat's README ("Examples": producer mode, -P, reads messages from stdin, one per line, and sends them
# when its input ends) and librdkafka's CONFIGURATION.md for the -X properties. tail -F follows the file across
# rotation; every line is one message, byte for byte, so every host, address and user the sensor wrote reaches
# ira unchanged.
#
# Why the loop: kcat 1.7 reads stdin in large blocks and produces only when a block is full or stdin ends, so
# `tail -F | kcat -P` would hold a quiet sensor's alerts indefinitely (measured: nothing arrives until EOF). The
# loop hands kcat micro-batches instead: the lines that arrive within 200 ms of each other (at most 500), one
# kcat run per batch, which ends its input and so sends at once. A batch that fails (broker unreachable) is
# retried until it is acknowledged: at least once, and ira writes nothing new for a repeat.
# No registry of read offsets: after a restart choose KCAT_TAIL_LINES=+1 (the whole file again) or the default 0
# (only lines written from now on). Run it under a supervisor (systemd) as `tail-alerts.sh /var/log/suricata/eve.json`.
#
# Env: KAFKA_BROKERS (kafka.example:9092)  IRA_TOPIC (ira.alerts)  KCAT_TAIL_LINES (0)
#      KCAT_PROPERTIES: a librdkafka properties file for TLS/SASL (security.protocol=SASL_SSL,
#      sasl.mechanisms=SCRAM-SHA-512, sasl.username, sasl.password, ssl.ca.location); plaintext without it.
set -euo pipefail
file="${1:?usage: tail-alerts.sh FILE}"
brokers="${KAFKA_BROKERS:-kafka.example:9092}"
topic="${IRA_TOPIC:-ira.alerts}"
command -v kcat >/dev/null || { echo "tail-alerts.sh: kcat is not installed" >&2; exit 127; }
kcat_args=(-P -b "$brokers" -t "$topic" -X topic.acks=all -X compression.codec=none)
[[ -n "${KCAT_PROPERTIES:-}" ]] && kcat_args=(-F "$KCAT_PROPERTIES" "${kcat_args[@]}")

send() {
  # acks=all: a batch Kafka acknowledged is on every in-sync replica; kcat exits non-zero otherwise.
  until printf '%s' "$1" | kcat "${kcat_args[@]}"; do
    echo "tail-alerts.sh: sending ${2} line(s) to $topic failed; retrying in 5 s" >&2
    sleep 5
  done
}

prefix=''
tail -n "${KCAT_TAIL_LINES:-0}" -F -- "$file" | while IFS= read -r line; do
  batch="$prefix$line"$'\n'
  prefix=''
  count=1
  while ((count < 500)); do
    if IFS= read -r -t 0.2 line; then
      batch+="$line"$'\n'
      count=$((count + 1))
    else
      # A timeout keeps the part of a line read so far (bash stores it): it opens the next batch's first line.
      (($? > 128)) && prefix="$line"
      break
    fi
  done
  send "$batch" "$count"
done
