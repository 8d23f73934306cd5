import { z } from 'zod';
import { ActionKind, ResponseAction } from '../agent/action';
import { RecoveryState } from '../agent/recovery-state';
import { AbstainCode, AgentState, initialAgentState, type ConjectureRevision, type Recommendation, type TriageView } from '../agent/types';
import { isIpAddress } from '../alert/ip';
import type { Document } from '../ports/store';
import { abstentionMessage, actionMessage, RecoveryStageNames, servedStage, TargetTypes, typeTarget, type TypedTarget } from './analyst-message';
import { EvidenceSummary, evidenceFromLedger } from './evidence-summary';
import { RecommendationStatuses } from './recommendation-status';

/**
 * The agent's documents as indexed for analysts (the field names of mappings/ira-*.json): `ira-recommendations` (one
 * per step, _id = incident id + step), `ira-conjectures` (one per revision, _id = incident id + version) and the
 * agent's part of `ira-incidents` (merged into the triage document). Each has a zod schema so that a replay (and its
 * tests) can check every document it writes. ECS fields (`message`, `event.*`, `related.*`, `kibana.alert.uuid`)
 * are what Discover and the saved objects in dashboards/ show; ira's own fields live under `ira.*`.
 */
const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const ipAddress = z.string().refine(isIpAddress, 'not an IP address');

/** Caps on the lists a recommendation carries (every step writes one; the incident's full lists live elsewhere). */
export const RecommendationLimits = { alertIds: 100, ruleNames: 20, relatedPerKind: 20, alertUuids: 100 } as const;

const CandidateDocument = ResponseAction.extend({
  q: z.number().nullable(),
  explanation: z.string(),
  rollouts: z.array(count),
  unfinished_rollouts: count,
  guard: z.enum(['pass', 'reject']),
  guard_reasons: z.array(z.string()),
});

const TypedTargetDocument = z.object({ type: z.enum(TargetTypes), value: z.string().min(1) });
const StageName = z.enum(Object.values(RecoveryStageNames) as [string, ...string[]]);

export const RecommendationDocument = z.object({
  '@timestamp': isoTime,
  message: z.string().min(1),
  event: z.object({
    /** `enrichment`: advice derived from alerts, so `event.kind : alert` keeps counting only the detections. */
    kind: z.literal('enrichment'),
    category: z.tuple([z.literal('intrusion_detection')]),
    type: z.tuple([z.literal('info')]),
    /** The action kind, or `abstain`. */
    action: z.union([ActionKind, z.literal('abstain')]),
    created: isoTime,
    /** The incident's 0–100 triage score (the highest alert severity when triage's view is unknown). */
    risk_score: z.number().min(0).max(100),
    /** ira's 0–100 severity of the most severe evidence, a whole number. */
    severity: z.number().int().min(0).max(100),
  }),
  related: z.object({ hosts: z.array(z.string()), ip: z.array(ipAddress), user: z.array(z.string()) }),
  kibana: z.object({ alert: z.object({ uuid: z.array(z.string().min(1)) }) }).optional(),
  incident: z.object({ id: z.string().min(1) }),
  step: count,
  mode: z.enum(['planner', 'direct']),
  abstained: z.boolean(),
  ira: z.object({
    status: z.enum(RecommendationStatuses),
    superseded_by: z.string().optional(),
    status_updated_at: isoTime.optional(),
    /** The newest alerts of the incident the agent has seen (ira.alert_id), at most RecommendationLimits.alertIds. */
    alert_ids: z.array(z.string().min(1)),
    /** How many alerts the agent has seen in the incident so far. */
    alert_count: count,
    rule_names: z.array(z.string()),
    recovery_stage: StageName.optional(),
    abstain: z.object({ code: AbstainCode, reason: z.string() }).optional(),
    action: ResponseAction.extend({ typed_targets: z.array(TypedTargetDocument) }).optional(),
    candidates: z.array(CandidateDocument),
  }),
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

/** The analyst's summary of an incident (`ira.summary` of the incident document). */
export const IncidentSummary = EvidenceSummary.extend({
  conjecture: z
    .object({
      version: z.number().int().positive(),
      tactics: z.array(z.string()),
      techniques: z.array(z.string()),
      precision: z.number().min(0).max(1),
      reason: z.string().optional(),
    })
    .nullable(),
  latest_recommendation: z.object({
    id: z.string().min(1),
    message: z.string().min(1),
    status: z.enum(RecommendationStatuses),
    action_kind: z.union([ActionKind, z.literal('abstain')]),
    '@timestamp': isoTime,
  }),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

/** The fields the agent adds to an incident document (the triage fields stay as stage 1 wrote them). */
export const IncidentAgentFields = z.object({
  /** The agent's analysis in one paragraph (text). */
  summary: z.string(),
  rationale: z.string(),
  recovery_state: RecoveryState,
  conjecture_version: z.number().int().positive().nullable(),
  agent_step: count,
  agent_updated_at: isoTime,
  ira: z.object({ agent: AgentState, summary: IncidentSummary }),
});
export type IncidentAgentFields = z.infer<typeof IncidentAgentFields>;

export function recommendationId(incidentId: string, step: number): string {
  return `${incidentId}:${step}`;
}

/** The recommendation a step supersedes: the one of the step before (every step writes one). */
export function previousRecommendationId(incidentId: string, step: number): string | undefined {
  return step > 0 ? recommendationId(incidentId, step - 1) : undefined;
}

export function conjectureId(incidentId: string, version: number): string {
  return `${incidentId}:v${version}`;
}

/** What a recommendation document needs besides the recommendation: the incident as the agent and triage see it. */
export interface RecommendationContext {
  /** The agent state after the step: its evidence ledger gives the incident's rules, entities and alert ids. */
  readonly state: AgentState;
  /** `kibana.alert.uuid` of the Elastic Security alerts the agent has seen (alert-uuids.ts). */
  readonly alertUuids?: readonly string[] | undefined;
  /** Triage's score of the incident (`event.risk_score`). */
  readonly triage?: TriageView | undefined;
}

function distinct(values: Iterable<string>, limit: number): string[] {
  return [...new Set([...values].map((value) => value.trim()).filter((value) => value !== ''))].slice(0, limit);
}

function newest(values: readonly string[], limit: number): string[] {
  const unique = [...new Set(values)];
  return unique.slice(Math.max(0, unique.length - limit));
}

function relatedOf(targets: readonly TypedTarget[], context: RecommendationContext): RecommendationDocument['related'] {
  const summary = evidenceFromLedger(context.state.evidence);
  const limit = RecommendationLimits.relatedPerKind;
  const pick = (type: TypedTarget['type']) => targets.filter((target) => target.type === type).map((target) => target.value);
  return {
    hosts: distinct([...pick('host'), ...summary.entities.hosts], limit),
    ip: distinct([...pick('ip'), ...summary.entities.ips], limit).filter(isIpAddress),
    user: distinct([...pick('user'), ...summary.entities.users], limit),
  };
}

function maxSeverity(state: AgentState): number {
  return Math.round(state.evidence.groups.reduce((max, group) => Math.max(max, group.severity), 0));
}

/** Without a context (callers that predate it) the evidence fields are empty: no rules, alert ids or entities. */
export function recommendationDocument(r: Recommendation, context: RecommendationContext = { state: initialAgentState(r.incidentId) }): RecommendationDocument {
  const decision = r.decision;
  const { state } = context;
  const ledger = state.evidence;
  const typed = decision.kind === 'act' ? decision.action.targets.map((target) => typeTarget(target, decision.action.kind, state.entities)) : [];
  const stage = decision.kind === 'act' ? servedStage(decision.action.kind, r.currentState) : undefined;
  const severity = maxSeverity(state);
  const uuids = distinct(context.alertUuids ?? [], RecommendationLimits.alertUuids);
  return {
    '@timestamp': r.createdAt,
    message: decision.kind === 'act' ? actionMessage(decision.action, r.currentState, ledger) : abstentionMessage(decision.code, decision.reason),
    event: {
      kind: 'enrichment',
      category: ['intrusion_detection'],
      type: ['info'],
      action: decision.kind === 'act' ? decision.action.kind : 'abstain',
      created: r.createdAt,
      risk_score: Math.min(100, Math.max(0, context.triage?.score ?? severity)),
      severity,
    },
    related: relatedOf(typed, context),
    ...(uuids.length === 0 ? {} : { kibana: { alert: { uuid: uuids } } }),
    incident: { id: r.incidentId },
    step: r.step,
    mode: r.mode,
    abstained: decision.kind === 'abstain',
    ira: {
      status: 'recommended',
      alert_ids: newest(ledger.recentIds, RecommendationLimits.alertIds),
      alert_count: ledger.alerts,
      rule_names: evidenceFromLedger(ledger).top_rules.map((rule) => rule.name).slice(0, RecommendationLimits.ruleNames),
      ...(stage === undefined ? {} : { recovery_stage: RecoveryStageNames[stage] }),
      ...(decision.kind === 'abstain'
        ? { abstain: { code: decision.code, reason: decision.reason } }
        : { action: { ...decision.action, typed_targets: typed } }),
      candidates: r.candidates.map((c) => ({
        ...c.action,
        q: c.q,
        explanation: c.explanation,
        rollouts: c.rollouts,
        unfinished_rollouts: c.unfinishedRollouts,
        guard: c.guard.verdict,
        guard_reasons: c.guard.reasons,
      })),
    },
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

/**
 * `ira.summary`: the evidence the agent holds (rules with counts, entities, tactics, time span), its current
 * conjecture and the latest recommendation. `revisions` are the step's conjecture revisions (the newest gives the
 * reason; without one the stored reason stays, since the incident update merges).
 */
export function incidentSummary(state: AgentState, latest: RecommendationDocument, revisions: readonly ConjectureRevision[] = []): IncidentSummary {
  const conjecture = state.conjecture;
  const revision = revisions.filter((item) => item.version === conjecture?.version).at(-1);
  const evidence = evidenceFromLedger(state.evidence, conjecture?.techniques ?? []);
  return {
    ...evidence,
    tactics: distinct([...evidence.tactics, ...(conjecture?.tactics ?? [])], 14),
    conjecture:
      conjecture === null
        ? null
        : {
            version: conjecture.version,
            tactics: conjecture.tactics,
            techniques: conjecture.techniques,
            precision: conjecture.confidence,
            ...(revision === undefined ? {} : { reason: revision.reason }),
          },
    latest_recommendation: {
      id: recommendationId(latest.incident.id, latest.step),
      message: latest.message,
      status: latest.ira.status,
      action_kind: latest.event.action,
      '@timestamp': latest['@timestamp'],
    },
  };
}

/** `revisions`: the step's conjecture revisions (StepOutcome.revisions). */
export function incidentAgentFields(state: AgentState, last: Recommendation, revisions: readonly ConjectureRevision[] = []): IncidentAgentFields {
  const latest = recommendationDocument(last, { state });
  return {
    summary: state.analysis?.description ?? '',
    rationale: last.rationale,
    recovery_state: state.recoveryState,
    conjecture_version: state.conjecture?.version ?? null,
    agent_step: state.step,
    agent_updated_at: last.createdAt,
    ira: { agent: state, summary: incidentSummary(state, latest, revisions) },
  };
}

/** The stored agent state of an incident document: `ira.agent`, or the top-level `agent` written before it moved. */
export function storedAgentState(source: Document): unknown {
  const ira = source['ira'];
  const moved = typeof ira === 'object' && ira !== null ? (ira as Record<string, unknown>)['agent'] : undefined;
  return moved ?? source['agent'];
}

export function asDocument<T extends object>(value: T): Document {
  return value as unknown as Document;
}
