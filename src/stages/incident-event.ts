import { z } from 'zod';
import type { Incident, IncidentChange } from '../core/triage';
import type { OutboundMessage } from '../core/ports/messaging';
import { FeedbackStatuses } from '../core/documents/feedback';

/** Alert ids listed per event; a burst beyond this is summarised by `alert_count` and the `ira-alerts` index. */
export const MAX_EVENT_ALERT_IDS = 500;

/**
 * What stage 1 tells stage 2 on `ira.incident-events` (key = incident id, so one incident's events stay ordered on
 * one partition). The incident document in `ira-incidents` is already written when its event is produced.
 */
/** Analyst feedback an event carries to stage 2 (kind `feedback`, produced by the feedback stage). */
export const EventFeedback = z.object({
  /** Unique per report; stage 2 applies each id once (a redelivered event does not step again). */
  id: z.string().min(1),
  recommendation_id: z.string().min(1),
  step: z.number().int().nonnegative(),
  status: z.enum(FeedbackStatuses),
  comment: z.string().optional(),
});
export type EventFeedback = z.infer<typeof EventFeedback>;

export const IncidentEvent = z.object({
  /** `feedback`: no new alerts, an analyst reported on a recommendation (`feedback` holds it). */
  kind: z.enum(['opened', 'updated', 'merged', 'feedback']),
  incident_id: z.string().min(1),
  version: z.number().int(),
  status: z.enum(['open', 'merged', 'closed']),
  merged_into: z.string().optional(),
  merged_from: z.array(z.string()).optional(),
  /** `ira.alert_id` of the alerts this batch attached to the incident (at most MAX_EVENT_ALERT_IDS). */
  alert_ids: z.array(z.string()),
  alert_ids_truncated: z.boolean(),
  alert_count: z.number().int().nonnegative(),
  unique_alert_count: z.number().int().nonnegative(),
  score: z.number(),
  max_severity: z.number(),
  last_seen: z.string(),
  emitted_at: z.string(),
  feedback: z.array(EventFeedback).optional(),
});
export type IncidentEvent = z.infer<typeof IncidentEvent>;

export function incidentEvent(change: IncidentChange, alertIds: readonly string[], emittedAt: string): IncidentEvent {
  const incident: Incident = change.incident;
  return {
    kind: change.kind,
    incident_id: incident.id,
    version: incident.version,
    status: incident.status,
    ...(incident.merged_into !== undefined ? { merged_into: incident.merged_into } : {}),
    ...(change.mergedFrom !== undefined ? { merged_from: change.mergedFrom } : {}),
    alert_ids: alertIds.slice(0, MAX_EVENT_ALERT_IDS),
    alert_ids_truncated: alertIds.length > MAX_EVENT_ALERT_IDS,
    alert_count: incident.alert_count,
    unique_alert_count: incident.unique_alert_count,
    score: incident.score,
    max_severity: incident.max_severity,
    last_seen: incident.last_seen,
    emitted_at: emittedAt,
  };
}

export function incidentEventMessage(event: IncidentEvent): OutboundMessage {
  return { key: event.incident_id, value: JSON.stringify(event) };
}
