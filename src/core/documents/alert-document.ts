import { z } from 'zod';
import { NormalizedAlert } from '../alert/schema';
import type { Document } from '../ports/store';
import type { TriagedAlert } from '../triage';

/**
 * The `ira-alerts` document: the normalised alert plus its incident and triage verdict. `_id` = `ira.alert_id`.
 * ECS types: `event.severity` is a whole number (ira's 0–100 severity, rounded; the mapping says `long`) and the
 * alert's 0–100 triage score is `event.risk_score`. IP fields hold only IP addresses (the normaliser's schema).
 */
export const AlertDocument = NormalizedAlert.extend({
  event: NormalizedAlert.shape.event.extend({
    severity: z.number().int().min(0).max(100),
    risk_score: z.number().min(0).max(100),
    ingested: z.iso.datetime({ offset: true }),
  }),
  incident: z.object({ id: z.string().min(1) }),
  ira: NormalizedAlert.shape.ira.extend({
    triage: z.object({ score: z.number().min(0).max(100), repeat: z.boolean(), repeat_count: z.number().int().nonnegative() }),
    /** How far the alert's own time was from its ingest time when triage ignored it (a poisoned or broken clock). */
    clock_skew_ms: z.number().int().optional(),
    /** Entity values of this alert beyond the per-alert caps, not linked (an entity flood). */
    entities_truncated: z.number().int().nonnegative().optional(),
    /** Incidents this alert also touched but did not merge (a glue alert joins one, relates the others). */
    related_incidents: z.array(z.string()).optional(),
  }),
});
export type AlertDocument = z.infer<typeof AlertDocument>;

export function alertDocument(triaged: TriagedAlert, ingestedAt: string): Document {
  const { alert } = triaged;
  const document: AlertDocument = {
    ...alert,
    event: { ...alert.event, severity: Math.round(alert.event.severity), risk_score: triaged.score, ingested: ingestedAt },
    incident: { id: triaged.incidentId },
    ira: {
      ...alert.ira,
      triage: { score: triaged.score, repeat: triaged.repeat, repeat_count: triaged.repeatCount },
      ...(triaged.clockSkewMs === undefined ? {} : { clock_skew_ms: Math.round(triaged.clockSkewMs) }),
      ...(triaged.entitiesTruncated ? { entities_truncated: triaged.entitiesTruncated } : {}),
      ...(triaged.relatedIncidentIds !== undefined && triaged.relatedIncidentIds.length > 0 ? { related_incidents: [...triaged.relatedIncidentIds] } : {}),
    },
  };
  return document;
}
