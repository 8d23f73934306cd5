import { z } from 'zod';
import type { AnalystFeedback } from '../agent/types';

/**
 * Feedback on a recommendation, as analysts and SOAR tools send it: a message on the `ira.feedback` topic (JSON,
 * key = the recommendation id), the CLI (`ira feedback`) or `POST /v1/feedback` on `ira serve`. The JSON Schema
 * of this message is docs/feedback.schema.json (written from this schema; a unit test keeps them equal).
 */
export const FeedbackStatuses = ['accepted', 'rejected', 'executed', 'failed', 'false-positive'] as const;
export type FeedbackStatus = (typeof FeedbackStatuses)[number];

/** `<incident id>:<step>`, the `_id` of a recommendation document. */
const RECOMMENDATION_ID = /^[^\s:][^\s]*:\d{1,9}$/;

export const FeedbackMessage = z
  .object({
    recommendation_id: z
      .string()
      .max(512)
      .regex(RECOMMENDATION_ID, 'a recommendation id: <incident id>:<step>, the _id of the ira-recommendations document')
      .describe('The recommendation the feedback is about: the _id of its ira-recommendations document (<incident id>:<step>).'),
    status: z
      .enum(FeedbackStatuses)
      .describe(
        'accepted: will be done; executed: done (counts as done in the next step); rejected: not to be done (never proposed again); ' +
          'failed: tried without effect; false-positive: the incident is no attack (closes it).',
      ),
    comment: z.string().max(2000).optional().describe('Free text for the agent and the next analyst.'),
    actor: z.string().max(200).optional().describe('Who reports it (an analyst name, a SOAR playbook).'),
    source: z.string().max(100).optional().describe('Where it came from: cli, http, or a tool name.'),
    feedback_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Unique id of this report; a redelivered message with the same id is applied once. Unset: derived from the content.'),
    reported_at: z.iso.datetime({ offset: true }).optional().describe('When it was reported (ISO 8601).'),
  })
  .describe('ira feedback on a recommendation (topic ira.feedback, POST /v1/feedback, ira feedback).');
export type FeedbackMessage = z.infer<typeof FeedbackMessage>;

export function parseRecommendationId(id: string): { incidentId: string; step: number } {
  const at = id.lastIndexOf(':');
  return { incidentId: id.slice(0, at), step: Number(id.slice(at + 1)) };
}

/**
 * What the agent step receives (StepInput.feedback): executed / rejected / failed change the recommended action's
 * outcome in the history; accepted is a note; false-positive never reaches the agent (it closes the incident).
 */
export function analystFeedbackOf(feedback: { readonly step: number; readonly status: FeedbackStatus; readonly comment?: string | undefined }): AnalystFeedback | undefined {
  const comment = feedback.comment ?? '';
  switch (feedback.status) {
    case 'executed':
    case 'rejected':
    case 'failed':
      return { step: feedback.step, outcome: feedback.status, note: comment };
    case 'accepted':
      return { step: feedback.step, note: comment === '' ? 'accepted by an analyst' : `accepted by an analyst: ${comment}` };
    case 'false-positive':
      return undefined;
  }
}
