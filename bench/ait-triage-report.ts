/**
 * Triage on real alerts with ground truth: the AIT-ADS russellmitchell attack window (18,252 Wazuh/Suricata/AMiner
 * alerts, labelled by attack phase). Prints how the incidents line up with the phases, then triage throughput.
 *
 *   npx ts-node --transpile-only bench/ait-triage-report.ts [path/to/file.csv]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeAlert } from '../src/core/alert/normalize';
import type { NormalizedAlert } from '../src/core/alert/schema';
import { parseAitAdsCsv, type AitLabel } from '../src/core/sources/ait-csv';
import { createTriageState, DEFAULT_WINDOW_MS, triageBatch, type TriagedAlert } from '../src/core/triage';

const ROOT = join(__dirname, '..');
const SHARED = '/work/shared/data/ait-aecid/ait-ads-csv/russellmitchell_attack_window.csv';
const FIXTURE = join(ROOT, 'test/fixtures/ait-ads/russellmitchell_attack_window.csv');
const BATCH = 500;

interface Row {
  alert: NormalizedAlert;
  label: AitLabel;
}

function load(path: string): Row[] {
  const parsed = parseAitAdsCsv(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}:${parsed.error.line}: ${parsed.error.message}`);
  const rows: Row[] = [];
  parsed.value.alerts.forEach((raw, i) => {
    const result = normalizeAlert(JSON.stringify(raw));
    if (!result.ok) throw new Error(`row ${i}: ${result.error.reason}: ${result.error.message}`);
    rows.push({ alert: result.value, label: parsed.value.labels[i] as AitLabel });
  });
  // The file is Wazuh+Suricata in time order followed by AMiner in time order: replay in time order, as a SIEM would.
  const at = rows.map((r) => Date.parse(r.alert['@timestamp']));
  const order = rows.map((_, i) => i).sort((a, b) => (at[a] as number) - (at[b] as number) || a - b);
  return order.map((i) => rows[i] as Row);
}

function runTriage(alerts: readonly NormalizedAlert[]): { results: TriagedAlert[]; ms: number; state: ReturnType<typeof createTriageState> } {
  const state = createTriageState({ windowMs: DEFAULT_WINDOW_MS });
  const results: TriagedAlert[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < alerts.length; i += BATCH) results.push(...triageBatch(state, alerts.slice(i, i + BATCH)).results);
  return { results, ms: Number(process.hrtime.bigint() - start) / 1e6, state };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function fmt(counts: Map<string, number>): string {
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ');
}

function report(rows: readonly Row[], results: readonly TriagedAlert[]): void {
  const byIncident = new Map<string, Row[]>();
  results.forEach((r, i) => {
    const list = byIncident.get(r.incidentId) ?? [];
    list.push(rows[i] as Row);
    byIncident.set(r.incidentId, list);
  });
  const sizes = [...byIncident.values()].map((l) => l.length).sort((a, b) => b - a);
  const repeats = results.filter((r) => r.repeat).length;
  console.log(`\nalerts ${rows.length} (repeats folded: ${repeats}, unique: ${rows.length - repeats})`);
  console.log(`incidents ${byIncident.size}; sizes (alerts, largest first): ${sizes.join(' ')}`);
  reportIncidents(byIncident);
  reportPhases(rows, results, byIncident);
}

function reportIncidents(byIncident: Map<string, Row[]>): void {
  console.log('\nper incident: alerts, hosts, purity (largest label share), alerts per time_label');
  const sorted = [...byIncident].sort((a, b) => b[1].length - a[1].length);
  for (const [id, list] of sorted) {
    const labels = countBy(list, (r) => r.label.time_label);
    const purity = Math.max(...labels.values()) / list.length;
    const hosts = [...new Set(list.map((r) => r.alert.host.name))].join(',');
    const span = `${list[0]?.alert['@timestamp'].slice(11, 19)}..${list[list.length - 1]?.alert['@timestamp'].slice(11, 19)}`;
    console.log(`  ${id} n=${list.length} ${span} hosts=${hosts} purity=${purity.toFixed(2)} ${fmt(labels)}`);
  }
}

function reportPhases(rows: readonly Row[], results: readonly TriagedAlert[], byIncident: Map<string, Row[]>): void {
  console.log('\nper phase: alerts, incidents it is spread over, share in its largest incident, hosts');
  const phases = countBy(rows, (r) => r.label.time_label);
  for (const [phase, total] of [...phases].sort((a, b) => b[1] - a[1])) {
    if (phase === 'false_positive') continue;
    const incidents = countBy(rows.map((r, i) => ({ r, id: results[i]?.incidentId ?? '' })).filter((x) => x.r.label.time_label === phase), (x) => x.id);
    const hosts = new Set(rows.filter((r) => r.label.time_label === phase).map((r) => r.alert.host.name));
    const top = Math.max(...incidents.values());
    console.log(`  ${phase.padEnd(21)} n=${String(total).padStart(5)} incidents=${incidents.size} largest=${(top / total).toFixed(2)} hosts=${hosts.size}`);
  }
  let fpInAttack = 0;
  let fpTotal = 0;
  let attackIncidents = 0;
  for (const list of byIncident.values()) {
    const fp = list.filter((r) => r.label.time_label === 'false_positive').length;
    fpTotal += fp;
    if (fp < list.length) {
      attackIncidents++;
      fpInAttack += fp;
    }
  }
  console.log(`\nincidents holding attack-phase alerts: ${attackIncidents}`);
  console.log(`false_positive alerts: ${fpTotal}; in incidents that also hold attack alerts: ${fpInAttack} (${((100 * fpInAttack) / fpTotal).toFixed(1)}%)`);
}

/** Throughput over the same stream replayed back to back (shifted in time), i.e. well past 100k alerts. */
function throughput(alerts: readonly NormalizedAlert[]): void {
  const first = Date.parse(alerts[0]?.['@timestamp'] ?? '');
  const last = Date.parse(alerts[alerts.length - 1]?.['@timestamp'] ?? '');
  const shift = last - first + 2 * DEFAULT_WINDOW_MS;
  const copies = 6;
  const stream: NormalizedAlert[] = [];
  for (let c = 0; c < copies; c++) {
    for (const a of alerts) {
      const at = new Date(Date.parse(a['@timestamp']) + c * shift).toISOString();
      stream.push({ ...a, '@timestamp': at, ira: { ...a.ira, alert_id: `${a.ira.alert_id}-${c}` } });
    }
  }
  runTriage(stream.slice(0, 20_000)); // warm-up (JIT)
  const runs = [1, 2, 3].map(() => runTriage(stream));
  const best = Math.min(...runs.map((r) => r.ms));
  const state = runs[0]?.state;
  console.log(`\ntriage throughput: ${stream.length} alerts in ${best.toFixed(0)} ms (best of 3) = ${Math.round((stream.length / best) * 1000)} alerts/s, batches of ${BATCH}`);
  console.log(`state after the stream: open incidents ${state?.open.size}, entity entries ${state?.entities.size}, signatures ${state?.signatures.size}`);
}

function main(): void {
  const path = process.argv[2] ?? (existsSync(SHARED) ? SHARED : FIXTURE);
  console.log(`data: ${path}`);
  const rows = load(path);
  console.log(`normalised as: ${fmt(countBy(rows, (r) => `${r.alert.ira.format}/severity ${r.alert.event.severity}`))}`);
  const { results, ms } = runTriage(rows.map((r) => r.alert));
  console.log(`window ${DEFAULT_WINDOW_MS / 60000} min; first pass ${ms.toFixed(0)} ms`);
  report(rows, results);
  throughput(rows.map((r) => r.alert));
}

main();
