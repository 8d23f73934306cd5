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
    },
  };
  return document;
}
