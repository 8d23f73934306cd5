import type { Document } from '../ports/store';
import type { TriagedAlert } from '../triage';

/** The `ira-alerts` document: the normalised alert plus its incident and triage verdict. `_id` = `ira.alert_id`. */
export function alertDocument(triaged: TriagedAlert, ingestedAt: string): Document {
  const { alert } = triaged;
  return {
    ...alert,
    event: { ...alert.event, ingested: ingestedAt },
    incident: { id: triaged.incidentId },
    ira: {
      ...alert.ira,
      triage: { score: triaged.score, repeat: triaged.repeat, repeat_count: triaged.repeatCount },
    },
  };
}
