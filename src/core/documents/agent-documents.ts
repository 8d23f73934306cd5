import { z } from 'zod';
import { ResponseAction } from '../agent/action';
import { RecoveryState } from '../agent/recovery-state';
import { AgentState, type ConjectureRevision, type Recommendation } from '../agent/types';
import type { Document } from '../ports/store';

/**
 * The agent's documents as indexed for analysts (snake_case, the field names of mappings/ira-*.json):
 * `ira-recommendations` (one per step, _id = incident id + step), `ira-conjectures` (one per revision,
 * _id = incident id + version) and the agent's part of `ira-incidents` (merged into the triage document).
 * Each has a zod schema so that a replay (and its tests) can check every document it writes.
 */
const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

const CandidateDocument = ResponseAction.extend({
  q: z.number().nullable(),
  explanation: z.string(),
  rollouts: z.array(count),
  unfinished_rollouts: count,
  guard: z.enum(['pass', 'reject']),
  guard_reasons: z.array(z.string()),
});

export const RecommendationDocument = z.object({
  '@timestamp': isoTime,
  incident: z.object({ id: z.string().min(1) }),
  step: count,
  mode: z.enum(['planner', 'direct']),
  status: z.literal('recommended'),
  abstained: z.boolean(),
  abstain_code: z.string().optional(),
  abstain_reason: z.string().optional(),
  action: ResponseAction.optional(),
  candidates: z.array(CandidateDocument),
  recovery_state: RecoveryState,
  predicted_state: RecoveryState,
  rationale: z.string(),
  conjecture_version: z.number().int().positive().nullable(),
  consistency: z.number().min(0).max(1).nullable(),
  model: z.string(),
  tokens: count,
  prompt_tokens: count,
  completion_tokens: count,
  llm_calls: count,
  calls_by_purpose: z.record(z.string(), count),
  latency_ms: count,
  budget_exhausted: z.string().nullable(),
});
export type RecommendationDocument = z.infer<typeof RecommendationDocument>;

export const ConjectureDocument = z.object({
  '@timestamp': isoTime,
  incident: z.object({ id: z.string().min(1) }),
  step: count,
  version: z.number().int().positive(),
  previous_version: z.number().int().positive().nullable(),
  tactics_before: z.array(z.string()),
  tactics: z.array(z.string()),
  techniques: z.array(z.string()),
  precision: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
  passed: z.boolean(),
  reason: z.string(),
  observed_signatures: z.array(z.string()),
  tests: z.array(z.object({ tactic: z.string(), status: z.string(), precision: z.number(), recall: z.number() })),
});
export type ConjectureDocument = z.infer<typeof ConjectureDocument>;

/** The fields the agent adds to an incident document (the triage fields stay as stage 1 wrote them). */
export const IncidentAgentFields = z.object({
  summary: z.string(),
  rationale: z.string(),
  recovery_state: RecoveryState,
  conjecture_version: z.number().int().positive().nullable(),
  agent_step: count,
  agent: AgentState,
  agent_updated_at: isoTime,
});
export type IncidentAgentFields = z.infer<typeof IncidentAgentFields>;

export function recommendationId(incidentId: string, step: number): string {
  return `${incidentId}:${step}`;
}

export function conjectureId(incidentId: string, version: number): string {
  return `${incidentId}:v${version}`;
}

export function recommendationDocument(r: Recommendation): RecommendationDocument {
  const decision = r.decision;
  return {
    '@timestamp': r.createdAt,
    incident: { id: r.incidentId },
    step: r.step,
    mode: r.mode,
    status: 'recommended',
    abstained: decision.kind === 'abstain',
    ...(decision.kind === 'abstain' ? { abstain_code: decision.code, abstain_reason: decision.reason } : { action: decision.action }),
    candidates: r.candidates.map((c) => ({
      ...c.action,
      q: c.q,
      explanation: c.explanation,
      rollouts: c.rollouts,
      unfinished_rollouts: c.unfinishedRollouts,
      guard: c.guard.verdict,
      guard_reasons: c.guard.reasons,
    })),
    recovery_state: r.currentState,
    predicted_state: r.predictedState,
    rationale: r.rationale,
    conjecture_version: r.conjectureVersion,
    consistency: r.consistency,
    model: r.model,
    tokens: r.usage.promptTokens + r.usage.completionTokens,
    prompt_tokens: r.usage.promptTokens,
    completion_tokens: r.usage.completionTokens,
    llm_calls: r.usage.llmCalls,
    calls_by_purpose: r.usage.callsByPurpose,
    latency_ms: r.latencyMs,
    budget_exhausted: r.budgetExhausted,
  };
}

export function conjectureDocument(c: ConjectureRevision): ConjectureDocument {
  return {
    '@timestamp': c.createdAt,
    incident: { id: c.incidentId },
    step: c.step,
    version: c.version,
    previous_version: c.previousVersion,
    tactics_before: c.tacticsBefore,
    tactics: c.tacticsAfter,
    techniques: c.techniquesAfter,
    precision: c.precision,
    recall: c.recall,
    passed: c.passed,
    reason: c.reason,
    observed_signatures: c.observedSignatures,
    tests: c.tests.map((t) => ({ tactic: t.tactic, status: t.status, precision: t.precision, recall: t.recall })),
  };
}

export function incidentAgentFields(state: AgentState, last: Recommendation): IncidentAgentFields {
  return {
    summary: state.analysis?.description ?? '',
    rationale: last.rationale,
    recovery_state: state.recoveryState,
    conjecture_version: state.conjecture?.version ?? null,
    agent_step: state.step,
    agent: state,
    agent_updated_at: last.createdAt,
  };
}

export function asDocument<T extends object>(value: T): Document {
  return value as unknown as Document;
}
