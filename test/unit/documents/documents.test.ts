import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initialAgentState } from '../../../src/core/agent/types';
import type { NormalizedAlert } from '../../../src/core/alert/schema';
import { isIpAddress } from '../../../src/core/alert/ip';
import {
  ConjectureDocument,
  IncidentAgentFields,
  RecommendationDocument,
  recommendationDocument,
  storedAgentState,
} from '../../../src/core/documents/agent-documents';
import { AlertDocument, alertDocument } from '../../../src/core/documents/alert-document';
import { abstentionMessage, typeTarget } from '../../../src/core/documents/analyst-message';
import { evidenceFromAlerts } from '../../../src/core/documents/evidence-summary';
import { supersedeWrite } from '../../../src/core/documents/recommendation-status';
import { AbstainCodes } from '../../../src/core/agent/types';
import { scriptedReplay, type ScriptedReplay } from '../replay/support/scripted-replay';

/**
 * The documents a replay of the bundled Weak-Credential-3 incident writes (scripted model, NDJSON store), checked
 * against their zod schemas and against every field the saved objects in dashboards/ reference.
 */
const root = join(__dirname, '..', '..', '..');
type Source = Record<string, unknown>;
type Field = { type?: string; properties?: Record<string, Field>; fields?: Record<string, Field> };

async function sources(directory: string, index: string): Promise<Array<{ id: string; source: Source }>> {
  const text = await readFile(join(directory, `${index}.ndjson`), 'utf8');
  return text.trim().split('\n').map((line) => {
    const { _id, _source } = JSON.parse(line) as { _id: string; _source: Source };
    return { id: _id, source: _source };
  });
}

const mappings = new Map<string, Record<string, Field>>(
  readdirSync(join(root, 'mappings'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => [name.replace(/\.json$/, ''), (JSON.parse(readFileSync(join(root, 'mappings', name), 'utf8')) as { template: { mappings: { properties: Record<string, Field> } } }).template.mappings.properties]),
);

function mappedType(index: string, path: string): string | undefined {
  let level: Record<string, Field> | undefined = mappings.get(index);
  let found: Field | undefined;
  const parts = path.split('.');
  for (let i = 0; i < parts.length && level; i++) {
    found = level[parts[i]!];
    if (!found) return undefined;
    level = i < parts.length - 1 ? (found.properties ?? found.fields) : undefined;
  }
  return found?.type;
}

/** Whether a dotted path exists (its value may be null or an empty list: the first conjecture has no previous version). */
function hasPath(document: unknown, path: string): boolean {
  const parts = path.split('.');
  let current: unknown[] = [document];
  for (const [i, part] of parts.entries()) {
    const next = current
      .flatMap((item): unknown[] => (Array.isArray(item) ? (item as unknown[]) : [item]))
      .filter((value): value is Source => typeof value === 'object' && value !== null && part in value)
      .map((value) => value[part]);
    if (next.length === 0) return i === parts.length - 1 && ['keyword', 'ip'].includes(part) && current.length > 0;
    current = next;
  }
  return true;
}

/** Every value at a dotted path, through arrays of objects; a multi-field (`message.keyword`) reads its parent. */
function valuesAt(document: unknown, path: string): unknown[] {
  const parts = path.split('.');
  let current: unknown[] = [document];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const value of current.flatMap((item): unknown[] => (Array.isArray(item) ? (item as unknown[]) : [item]))) {
      if (typeof value === 'object' && value !== null && part in value) next.push((value as Source)[part]);
    }
    if (next.length === 0 && part === parts.at(-1) && ['keyword', 'ip'].includes(part)) return current;
    current = next;
  }
  return current.flatMap((item): unknown[] => (Array.isArray(item) ? (item as unknown[]) : [item])).filter((value) => value !== null && value !== undefined);
}

function fits(type: string | undefined, value: unknown): boolean {
  switch (type) {
    case 'keyword':
    case 'text':
      return typeof value === 'string';
    case 'long':
      return Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && Number.isFinite(Date.parse(value));
    case 'ip':
      return typeof value === 'string' && isIpAddress(value);
    case undefined:
    default:
      return false;
  }
}

/** Fields in a KQL query (`field : value`), quoted values removed first (as the dashboards test reads them). */
function kqlFields(query: string): string[] {
  const unquoted = query.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...unquoted.matchAll(/(?:^|[\s(])([A-Za-z@_][\w.@]*)\s*:/g)].map((match) => match[1]!);
}

/** index → fields referenced by the saved objects of both products (columns, sort, queries, aggregations, formats). */
function referencedFields(): Map<string, Set<string>> {
  const byIndex = new Map<string, Set<string>>();
  for (const folder of ['dashboards/kibana', 'dashboards/opensearch-dashboards']) {
    const lines = readdirSync(join(root, folder))
      .filter((name) => name.endsWith('.ndjson'))
      .flatMap((name) => readFileSync(join(root, folder, name), 'utf8').split('\n').filter((line) => line.trim() !== ''));
    const objects = lines.map((line) => JSON.parse(line) as { type?: string; id: string; attributes: Record<string, unknown>; references?: { id: string; name: string }[] });
    const titles = new Map(objects.filter((o) => o.type === 'index-pattern').map((o) => [o.id, String(o.attributes.title).replace(/\*$/, '')]));
    const add = (index: string | undefined, field: string) => {
      if (index === undefined) return;
      byIndex.set(index, new Set([...(byIndex.get(index) ?? []), field]));
    };
    for (const object of objects) {
      if (object.type === 'index-pattern') {
        for (const field of Object.keys(JSON.parse((object.attributes.fieldFormatMap as string | undefined) ?? '{}') as Source)) add(titles.get(object.id), field);
        add(titles.get(object.id), String(object.attributes.timeFieldName));
        continue;
      }
      if (object.type !== 'search' && object.type !== 'visualization') continue;
      const index = titles.get(object.references?.find((ref) => ref.name === 'kibanaSavedObjectMeta.searchSourceJSON.index')?.id ?? '');
      const meta = JSON.parse(String((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON)) as { query: { query: string } };
      for (const field of kqlFields(meta.query.query)) add(index, field);
      for (const column of (object.attributes.columns as string[] | undefined) ?? []) add(index, column);
      for (const [field] of (object.attributes.sort as [string, string][] | undefined) ?? []) add(index, field);
      if (object.type === 'visualization') {
        const state = JSON.parse(String(object.attributes.visState)) as { aggs: { params: { field?: string } }[] };
        for (const agg of state.aggs) if (agg.params.field !== undefined) add(index, agg.params.field);
      }
    }
  }
  return byIndex;
}

describe('documents of a scripted replay', () => {
  let replay: ScriptedReplay;
  const documents = new Map<string, Array<{ id: string; source: Source }>>();

  beforeAll(async () => {
    replay = await scriptedReplay();
    for (const index of ['ira-alerts', 'ira-incidents', 'ira-recommendations', 'ira-conjectures']) documents.set(index, await sources(replay.directory, index));
    // The scripted model never abstains; an abstention built by the same builder joins the set, as the dashboards show both.
    const incident = replay.report.incidents[0]!;
    const last = incident.recommendations.at(-1)!;
    const abstention = recommendationDocument(
      { ...last, step: last.step + 1, decision: { kind: 'abstain', code: 'inconsistent', reason: 'rollouts disagree (λ=0.2)' }, candidates: [] },
      { state: incident.finalState, triage: { score: incident.incident.score, tactics: [] } },
    );
    documents.get('ira-recommendations')!.push({ id: 'synthetic-abstention', source: abstention });
  });

  afterAll(async () => {
    await rm(replay.directory, { recursive: true, force: true });
  });

  it('validates every document against its zod schema', () => {
    const count = (index: string) => documents.get(index)!.length;
    expect([count('ira-alerts'), count('ira-incidents'), count('ira-recommendations')]).toEqual([89, 1, 3]);
    for (const { source } of documents.get('ira-alerts')!) AlertDocument.parse(source);
    for (const { source } of documents.get('ira-recommendations')!) RecommendationDocument.parse(source);
    for (const { source } of documents.get('ira-conjectures')!) ConjectureDocument.parse(source);
    for (const { source } of documents.get('ira-incidents')!) IncidentAgentFields.parse(source);
  });

  it('holds every field the saved objects reference, with values of the mapped type', () => {
    const referenced = referencedFields();
    expect([...referenced.keys()].sort()).toEqual(['ira-alerts', 'ira-conjectures', 'ira-incidents', 'ira-recommendations']);
    const missing: string[] = [];
    for (const [index, fields] of referenced) {
      for (const field of fields) {
        const type = mappedType(index, field);
        const values = documents.get(index)!.flatMap(({ source }) => valuesAt(source, field));
        if (!documents.get(index)!.some(({ source }) => hasPath(source, field))) missing.push(`${index} ${field}: absent`);
        for (const value of values) if (!fits(type, value)) missing.push(`${index} ${field}: ${JSON.stringify(value)} is not ${type}`);
      }
    }
    // host.name and user.name are what a source says; Snort alerts name neither (its flows carry IPs).
    expect(missing).toEqual(['ira-alerts host.name: absent', 'ira-alerts user.name: absent']);
    // What every recommendation carries, whatever its decision.
    for (const { source } of documents.get('ira-recommendations')!) {
      for (const field of ['message', 'event.kind', 'event.risk_score', 'event.severity', 'ira.status', 'ira.rule_names', 'ira.alert_ids', 'incident.id']) {
        expect([field, valuesAt(source, field).length > 0]).toEqual([field, true]);
      }
    }
  });

  it('writes a one-line message with the action, its targets, the stage it serves and the evidence', () => {
    const [first, second] = documents.get('ira-recommendations')!.map(({ source }) => RecommendationDocument.parse(source));
    expect(first!.message).toMatch(/^Block 10\.0\.1\.11 \(contain\): Block the attacker <10\.0\.1\.11> at the gateway & log it; evidence: \d+ alert\(s\) "[^"]+" involving 10\.0\.1\.11/);
    expect(second!.message).toMatch(/^Analyse 10\.0\.2\.11 \(assess\): Review SSH logins on 10\.0\.2\.11 \("admin"\); evidence: /);
    for (const doc of [first!, second!]) {
      expect(doc.message).not.toContain('\n');
      expect(doc.event).toMatchObject({ kind: 'enrichment', category: ['intrusion_detection'], type: ['info'], risk_score: replay.report.incidents[0]!.incident.score });
      expect(doc.ira.alert_ids.length).toBe(doc.ira.alert_count);
      expect(doc.ira.rule_names).toContain('SSH connection attempt');
      expect(doc.related.ip.every(isIpAddress)).toBe(true);
      expect(doc.kibana).toBeUndefined();
    }
    expect(first!.ira.action?.typed_targets).toEqual([{ type: 'ip', value: '10.0.1.11' }]);
    expect(first!.ira.recovery_stage).toBe('contain');
    expect(first!.ira.candidates.map((c) => [c.kind, c.q])).toEqual([['block-ip', 2], ['analyse', 2]]);
    expect([first!.ira.alert_count, second!.ira.alert_count]).toEqual([50, 89]);
  });

  it('supersedes the previous recommendation in the write path; the latest stays recommended', () => {
    const [first, second] = documents.get('ira-recommendations')!;
    expect((first!.source.ira as Source)).toMatchObject({ status: 'superseded', superseded_by: second!.id });
    // The superseding update merges: the rest of the document is still there.
    RecommendationDocument.parse(first!.source);
    expect((second!.source.ira as Source).status).toBe('recommended');
  });

  it('gives the incident a summary under ira.summary and the agent state under ira.agent, not ECS agent', () => {
    const incident = IncidentAgentFields.parse(documents.get('ira-incidents')![0]!.source);
    expect(documents.get('ira-incidents')![0]!.source).not.toHaveProperty('agent');
    expect(incident.ira.summary.top_rules[0]).toEqual({ name: 'SSH connection attempt', count: 30 });
    expect(incident.ira.summary.alerts).toBe(89);
    expect(incident.ira.summary.entities.ips).toContain('10.0.1.11');
    expect(incident.ira.summary.tactics).toEqual(expect.arrayContaining(['Credential Access', 'Lateral Movement']));
    expect(incident.ira.summary.time_span).toMatchObject({ start: '2026-06-10T13:10:51.405Z', end: '2026-06-10T13:10:51.410Z', duration_ms: 5 });
    expect(incident.ira.summary.conjecture).toMatchObject({ version: 1, reason: expect.stringContaining('initial conjecture') });
    const second = documents.get('ira-recommendations')![1]!;
    expect(incident.ira.summary.latest_recommendation).toMatchObject({ id: second.id, message: second.source.message, status: 'recommended', action_kind: 'analyse' });
  });

  it('indexes alerts with a whole-number event.severity and the triage score as event.risk_score', () => {
    for (const { source } of documents.get('ira-alerts')!) {
      const alert = AlertDocument.parse(source);
      expect(alert.event.risk_score).toBe(alert.ira.triage.score);
    }
  });
});

describe('document builders', () => {
  const stored = (status: string) => ({ id: 'inc:0', index: 'r', source: { ira: { status } }, seqNo: 4, primaryTerm: 1 });

  it('supersedes only a recommendation nobody answered, pinned to the version it read', () => {
    expect(supersedeWrite('r', stored('recommended'), 'inc:1', '2026-01-01T00:00:00Z')).toEqual({
      op: 'update',
      index: 'r',
      id: 'inc:0',
      doc: { ira: { status: 'superseded', superseded_by: 'inc:1', status_updated_at: '2026-01-01T00:00:00Z' } },
      upsert: false,
      condition: { seqNo: 4, primaryTerm: 1 },
    });
    for (const status of ['accepted', 'rejected', 'executed', 'failed', 'superseded']) expect(supersedeWrite('r', stored(status), 'inc:1', 'x')).toBeUndefined();
    expect(supersedeWrite('r', undefined, 'inc:1', 'x')).toBeUndefined();
  });

  it('says in one line what the analyst must decide for every abstention code', () => {
    for (const code of AbstainCodes) {
      const message = abstentionMessage(code, 'reason\nwith a line break');
      expect(message).toMatch(new RegExp(`^Analyst decision needed \\(${code}\\): .+\\. Agent: reason with a line break$`));
    }
  });

  it('types a target as an IP only when it is one, else as a known user or host, else by its action kind', () => {
    const known = { hosts: ['web-01'], ips: ['10.0.0.1'], users: ['admin'] };
    expect(typeTarget('10.0.0.1', 'block-ip', known)).toEqual({ type: 'ip', value: '10.0.0.1' });
    expect(typeTarget('web-01', 'block-ip', known)).toEqual({ type: 'host', value: 'web-01' });
    expect(typeTarget('admin', 'analyse', known)).toEqual({ type: 'user', value: 'admin' });
    expect(typeTarget('bob', 'disable-account', known)).toEqual({ type: 'user', value: 'bob' });
    expect(typeTarget('db-02', 'patch', known)).toEqual({ type: 'host', value: 'db-02' });
    expect(typeTarget('10.0.0.999', 'monitor', known)).toEqual({ type: 'other', value: '10.0.0.999' });
  });

  it('reads the agent state from ira.agent, and from the top-level agent of incidents stored before the move', () => {
    const state = initialAgentState('inc');
    expect(storedAgentState({ ira: { agent: state }, agent: { old: true } })).toBe(state);
    expect(storedAgentState({ agent: state })).toBe(state);
    expect(storedAgentState({ ira: { summary: {} } })).toBeUndefined();
  });

  it('rounds a fractional severity for event.severity (long) and keeps the 0–100 triage score in event.risk_score', () => {
    const alert: NormalizedAlert = {
      '@timestamp': '2026-01-01T00:00:00Z',
      message: 'm',
      event: { kind: 'alert', id: 'e', severity: 47.6, original: '{}' },
      rule: { name: 'r' },
      host: {},
      source: { address: 'attacker.example' },
      destination: { ip: '10.0.0.2', port: 22 },
      user: {},
      threat: { tactic: { id: [], name: [] }, technique: { id: [], name: [] } },
      ira: { format: 'generic-json', alert_id: 'a' },
    };
    const document = AlertDocument.parse(alertDocument({ alert, incidentId: 'inc', score: 63, repeat: false, repeatCount: 0 }, '2026-01-01T00:00:01Z'));
    expect(document.event).toMatchObject({ severity: 48, risk_score: 63 });
    // A host name in an address field is a host in the evidence, never an IP.
    expect(evidenceFromAlerts([alert]).entities).toEqual({ hosts: ['attacker.example'], ips: ['10.0.0.2'], users: [] });
  });
});
