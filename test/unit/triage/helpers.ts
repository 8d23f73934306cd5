import type { NormalizedAlert } from '../../../src/core/alert/schema';
import { NormalizedAlert as NormalizedAlertSchema } from '../../../src/core/alert/schema';
import { stableHash } from '../../../src/core/hash';
import type { IncidentChange, TriageBatchResult } from '../../../src/core/triage';

export const BASE_MS = Date.parse('2024-03-01T08:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface AlertSpec {
  id: string;
  /** Minutes after BASE_MS. */
  at: number;
  rule?: string;
  ruleId?: string;
  severity?: number;
  host?: string;
  hostIp?: string[];
  src?: string;
  dst?: string;
  user?: string;
  tactics?: string[];
  tacticIds?: string[];
  caseId?: string;
  format?: NormalizedAlert['ira']['format'];
  product?: string;
}

/** A schema-valid NormalizedAlert; parsed through the zod schema so a test can never feed triage a malformed one. */
export function alert(spec: AlertSpec): NormalizedAlert {
  const format = spec.format ?? 'generic-json';
  const candidate = {
    '@timestamp': new Date(BASE_MS + spec.at * MINUTE).toISOString(),
    message: spec.rule ?? 'test alert',
    event: { kind: 'alert', id: spec.id, severity: spec.severity ?? 50, original: JSON.stringify(spec) },
    rule: { name: spec.rule ?? 'Test rule', ...(spec.ruleId === undefined ? {} : { id: spec.ruleId }) },
    host: {
      ...(spec.host === undefined ? {} : { name: spec.host }),
      ...(spec.hostIp === undefined ? {} : { ip: spec.hostIp }),
    },
    source: spec.src === undefined ? {} : { ip: spec.src },
    destination: spec.dst === undefined ? {} : { ip: spec.dst },
    user: spec.user === undefined ? {} : { name: spec.user },
    ...(spec.product === undefined ? {} : { observer: { product: spec.product } }),
    threat: {
      tactic: { id: spec.tacticIds ?? [], name: spec.tactics ?? [] },
      technique: { id: [], name: [] },
    },
    ira: {
      format,
      alert_id: stableHash(format + spec.id),
      ...(spec.caseId === undefined ? {} : { case_id: spec.caseId }),
    },
  };
  return NormalizedAlertSchema.parse(candidate);
}

export function change(result: TriageBatchResult, id: string): IncidentChange {
  const found = result.changes.find((c) => c.incident.id === id);
  if (found === undefined) throw new Error(`no change for ${id}`);
  return found;
}

/** Incident id of each result, in order. */
export function ids(result: TriageBatchResult): string[] {
  return result.results.map((r) => r.incidentId);
}
