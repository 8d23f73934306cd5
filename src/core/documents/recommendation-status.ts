import type { Document, StoredDocument, WriteOperation } from '../ports/store';

/**
 * A recommendation's lifecycle in `ira.status`: every step writes `recommended`; analysts and SOAR tools move it to
 * `accepted`, `rejected`, `executed` or `failed`; the next step of the same incident moves a still-`recommended`
 * predecessor to `superseded` (never one an analyst already answered).
 */
export const RecommendationStatuses = ['recommended', 'accepted', 'rejected', 'executed', 'failed', 'superseded'] as const;
export type RecommendationStatus = (typeof RecommendationStatuses)[number];

/**
 * The write that marks `previous` superseded by `supersededBy`, or undefined when there is nothing to do (no
 * previous document, an answered or already superseded one). Pinned to the stored seq_no, so feedback that lands in
 * between wins (the write becomes a conflict, which the caller ignores). Repeating it is harmless.
 */
export function supersedeWrite(index: string, previous: StoredDocument | undefined, supersededBy: string, at: string): WriteOperation | undefined {
  if (previous === undefined) return undefined;
  const ira = previous.source['ira'];
  const status = typeof ira === 'object' && ira !== null ? (ira as Record<string, unknown>)['status'] : undefined;
  if (status !== 'recommended') return undefined;
  return {
    op: 'update',
    index,
    id: previous.id,
    doc: { ira: { status: 'superseded', superseded_by: supersededBy, status_updated_at: at } },
    upsert: false,
    condition: { seqNo: previous.seqNo, primaryTerm: previous.primaryTerm },
  };
}

/**
 * The change to an incident document's `ira.summary` when feedback moves recommendation `recommendationId` to
 * `status`: its `latest_recommendation` takes the status (and the recommendation's own message), so the dashboard's
 * summary and the recommendation in Discover agree. Undefined when the summary is about another (newer)
 * recommendation, or there is no summary yet: nothing to change.
 */
export function summaryStatusPatch(incident: Document, recommendationId: string, status: RecommendationStatus, message: unknown): Document | undefined {
  const ira = incident['ira'];
  const summary = typeof ira === 'object' && ira !== null ? (ira as Record<string, unknown>)['summary'] : undefined;
  const latest = typeof summary === 'object' && summary !== null ? (summary as Record<string, unknown>)['latest_recommendation'] : undefined;
  if (typeof latest !== 'object' || latest === null || (latest as Record<string, unknown>)['id'] !== recommendationId) return undefined;
  const text = typeof message === 'string' && message.length > 0 ? { message } : {};
  return { ira: { summary: { latest_recommendation: { status, ...text } } } };
}
