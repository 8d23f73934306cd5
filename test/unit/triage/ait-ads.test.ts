import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NormalizedAlert } from '../../../src/core/alert/schema';
import { stableHash } from '../../../src/core/hash';
import { parseAitAdsCsv, type AitLabel, type AitRawAlert } from '../../../src/core/sources/ait-csv';
import { createTriageState, DEFAULT_WINDOW_MS, triageBatch, type Incident, type TriagedAlert } from '../../../src/core/triage';

/**
 * Real alerts with ground truth: the AIT-ADS russellmitchell attack window (GPL-3.0, see the fixture folder).
 * The expectations are derived from the data and the correlation rule, never read off triage's own output.
 */
const WINDOW = DEFAULT_WINDOW_MS;

function toNormalized(raw: AitRawAlert): NormalizedAlert {
  return NormalizedAlert.parse({
    '@timestamp': raw['@timestamp'],
    message: raw.message,
    event: { kind: 'alert', id: raw.event.id, severity: 50, original: JSON.stringify(raw) },
    rule: raw.rule,
    host: raw.host,
    source: {},
    destination: {},
    user: {},
    observer: raw.observer,
    threat: { tactic: { id: [], name: [] }, technique: { id: [], name: [] } },
    ira: { format: 'generic-json', alert_id: stableHash('generic-json' + raw.event.id) },
  });
}

interface Row {
  alert: NormalizedAlert;
  label: AitLabel;
  atMs: number;
}

function loadRows(): Row[] {
  const text = readFileSync(join(__dirname, '../../fixtures/ait-ads/russellmitchell_attack_window.csv'), 'utf8');
  const parsed = parseAitAdsCsv(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const rows = parsed.value.alerts.map((raw, i) => ({ alert: toNormalized(raw), label: parsed.value.labels[i]!, atMs: Date.parse(raw['@timestamp']) }));
  // Replay in time order (the file appends the AMiner alerts after the others); the sort is stable.
  return rows.sort((a, b) => a.atMs - b.atMs);
}

/** Incidents a set of time-ordered instants must span when linking needs gaps ≤ window: 1 + gaps longer than it. */
function sessions(times: readonly number[]): number {
  let n = times.length > 0 ? 1 : 0;
  for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! > WINDOW) n++;
  return n;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

describe('triage on the AIT-ADS russellmitchell attack window', () => {
  const rows = loadRows();
  const state = createTriageState({ windowMs: WINDOW });
  const results: TriagedAlert[] = [];
  const incidents = new Map<string, Incident>();
  for (let i = 0; i < rows.length; i += 500) {
    const out = triageBatch(state, rows.slice(i, i + 500).map((r) => r.alert));
    results.push(...out.results);
    for (const c of out.changes) incidents.set(c.incident.id, c.incident);
  }
  const withIncident = rows.map((row, i) => ({ ...row, incidentId: results[i]!.incidentId }));

  it('precondition: every row names one host and one IP, and IPs and hosts pair one to one', () => {
    const pairs = new Set(rows.map((r) => `${r.alert.host.name}|${r.alert.host.ip?.join(',')}`));
    const hosts = new Set(rows.map((r) => r.alert.host.name));
    expect(rows.every((r) => r.alert.host.ip?.length === 1)).toBe(true);
    expect(pairs.size).toBe(hosts.size);
  });

  it('assigns every alert to a reported, non-merged incident, and the incident counts add up', () => {
    expect(results).toHaveLength(rows.length);
    expect(results.filter((r) => incidents.get(r.incidentId) === undefined || incidents.get(r.incidentId)?.status === 'merged')).toEqual([]);
    const live = [...incidents.values()].filter((i) => i.status !== 'merged');
    expect(live.reduce((n, i) => n + i.alert_count, 0)).toBe(rows.length);
    expect(live.reduce((n, i) => n + i.unique_alert_count, 0)).toBe(results.filter((r) => !r.repeat).length);
    const miscounted = [...groupBy(withIncident, (r) => r.incidentId)].filter(([id, members]) => incidents.get(id)?.alert_count !== members.length);
    expect(miscounted).toEqual([]);
    expect(results.filter((r) => !(r.score >= 0 && r.score <= 100))).toEqual([]);
  });

  it('links exactly the alerts that share a host within the window (one host per incident here)', () => {
    for (const members of groupBy(withIncident, (r) => r.incidentId).values()) {
      expect(new Set(members.map((m) => m.alert.host.name)).size).toBe(1);
    }
    for (const members of groupBy(withIncident, (r) => r.alert.host.name ?? '').values()) {
      const incidentsOfHost = new Set(members.map((m) => m.incidentId)).size;
      expect(incidentsOfHost).toBe(sessions(members.map((m) => m.atMs)));
    }
  });

  it('keeps each attack phase in as few incidents as its hosts and timing allow', () => {
    const phases = groupBy(withIncident.filter((r) => r.label.time_label !== 'false_positive'), (r) => r.label.time_label);
    expect(phases.size).toBeGreaterThanOrEqual(5);
    for (const members of phases.values()) {
      const spread = new Set(members.map((m) => m.incidentId)).size;
      const byHost = groupBy(members, (m) => m.alert.host.name ?? '');
      // No phase can be in fewer incidents than hosts (no shared entity across hosts), nor — since alerts of one
      // host within the window always link — in more than its per-host sessions.
      const upper = [...byHost.values()].reduce((n, list) => n + sessions(list.map((m) => m.atMs)), 0);
      expect(spread).toBeGreaterThanOrEqual(byHost.size);
      expect(spread).toBeLessThanOrEqual(upper);
    }
  });

  it('folds repeats run by run, and open incidents never exceed the distinct hosts', () => {
    const hosts = new Set(rows.map((r) => r.alert.host.name)).size;
    expect([...incidents.values()].filter((i) => i.status === 'open').length).toBeLessThanOrEqual(hosts);
    // Here a signature is (rule, host): each run of one signature with gaps ≤ window is one unique alert, the rest
    // are repeats. The data set is dominated by such bursts (wpscan, dirb), so most alerts fold.
    const signatures = groupBy(rows, (r) => `${r.alert.rule.id}|${r.alert.rule.name}|${r.alert.host.name}`);
    const runs = [...signatures.values()].reduce((n, list) => n + sessions(list.map((m) => m.atMs)), 0);
    expect(results.filter((r) => !r.repeat).length).toBe(runs);
    expect(results.filter((r) => r.repeat).length).toBeGreaterThan(rows.length / 2);
  });
});
