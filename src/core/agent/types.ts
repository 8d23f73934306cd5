import { z } from 'zod';
import { ResponseAction } from './action';
import { RecoveryState, initialRecoveryState } from './recovery-state';
import type { NormalizedAlert } from '../alert/schema';
import { AttackTactic } from './tactics';

export { ActionKind, ActionKinds, ResponseAction } from './action';
export { RecoveryState, RecoveryStateFields, initialRecoveryState, isTerminal, mergeMonotone, progress } from './recovery-state';
export { AttackTactic, AttackTactics } from './tactics';

/**
 * The documents the agent step reads and writes. They cross a boundary (stage 2 stores them, replay reads them back),
 * so each is a zod schema and the type is derived from it.
 */
const unit = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
const isoTime = z.iso.datetime({ offset: true });

export const EntitySets = z.object({
  attackers: z.array(z.string()),
  systems: z.array(z.string()),
  targets: z.array(z.string()),
});
export type EntitySets = z.infer<typeof EntitySets>;

/** The result of testing one tactic: the alert signatures it predicts against those observed (digest §3.2). */
export const TacticTest = z.object({
  tactic: AttackTactic,
  status: z.enum(['accepted', 'rejected', 'untested']),
  precision: unit,
  recall: unit,
  expected: z.array(z.string()),
  note: z.string().optional(),
});
export type TacticTest = z.infer<typeof TacticTest>;

export const Conjecture = z.object({
  version: z.number().int().positive(),
  tactics: z.array(AttackTactic),
  techniques: z.array(z.string()),
  entities: EntitySets,
  /** Measured, not claimed by the model: the precision of the conjecture's expected signatures at its last test. */
  confidence: unit,
  basis: z.object({
    source: z.enum(['incident-analysis', 'revision']),
    step: count,
    tests: z.array(TacticTest),
  }),
});
export type Conjecture = z.infer<typeof Conjecture>;

export const ConjectureRevision = z.object({
  incidentId: z.string().min(1),
  step: count,
  version: z.number().int().positive(),
  previousVersion: z.number().int().positive().nullable(),
  tacticsBefore: z.array(AttackTactic),
  tacticsAfter: z.array(AttackTactic),
  techniquesAfter: z.array(z.string()),
  reason: z.string(),
  /** Of the new conjecture against the observed signatures (0 when it could not be tested). */
  precision: unit,
  recall: unit,
  passed: z.boolean(),
  tests: z.array(TacticTest),
  observedSignatures: z.array(z.string()),
  createdAt: isoTime,
});
export type ConjectureRevision = z.infer<typeof ConjectureRevision>;

export const GuardVerdict = z.object({ verdict: z.enum(['pass', 'reject']), reasons: z.array(z.string()) });
export type GuardVerdict = z.infer<typeof GuardVerdict>;

export const CandidateReport = z.object({
  action: ResponseAction,
  explanation: z.string(),
  /**
   * Estimated recovery cost: the mean of the finished rollouts' lengths and H for each rollout a budget cut after it
   * started (docs/agent.md "Rollouts cut by a budget"); null when a guard rejected the candidate or no rollout finished.
   */
  q: z.number().nullable(),
  /** Lengths of the rollouts that finished. */
  rollouts: z.array(z.number().int().positive()),
  /** Rollouts cut by a budget: started and cut (charged H in q) or never started (no information, not in q). */
  unfinishedRollouts: count,
  /** Of the cut rollouts, those that had started and were charged H in q. */
  chargedRollouts: count.optional(),
  guard: GuardVerdict,
});
export type CandidateReport = z.infer<typeof CandidateReport>;

export const AbstainCodes = [
  'recovered',
  'no-incident',
  'inconsistent',
  'entity-guard',
  'no-candidates',
  'invalid-answer',
  'budget',
  'disagreement',
  // Stage 2 (not the step): the model could not be reached or is missing; the incident is stepped again later.
  'llm-unavailable',
] as const;
export const AbstainCode = z.enum(AbstainCodes);
export type AbstainCode = z.infer<typeof AbstainCode>;

export const Decision = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('act'), action: ResponseAction }),
  z.object({ kind: z.literal('abstain'), code: AbstainCode, reason: z.string() }),
]);
export type Decision = z.infer<typeof Decision>;

export const Usage = z.object({
  llmCalls: count,
  promptTokens: count,
  /** Prompt tokens evaluated, prefix-cache hits excluded (equal to promptTokens where the server does not say). */
  evaluatedPromptTokens: count.optional(),
  completionTokens: count,
  callsByPurpose: z.record(z.string(), count),
});
export type Usage = z.infer<typeof Usage>;

export const Adaptation = z.object({
  /** Stages the last step predicted as done that the current evidence does not show as done. */
  stateMismatch: z.array(z.string()),
  /** Precision/recall of the signatures expected at the last step against the ones observed now; null without data. */
  signaturePrecision: unit.nullable(),
  signatureRecall: unit.nullable(),
  conjectureTested: z.boolean(),
  conjectureRevised: z.boolean(),
});
export type Adaptation = z.infer<typeof Adaptation>;

export const Recommendation = z.object({
  incidentId: z.string().min(1),
  step: count,
  mode: z.enum(['planner', 'direct']),
  decision: Decision,
  candidates: z.array(CandidateReport),
  currentState: RecoveryState,
  predictedState: RecoveryState,
  rationale: z.string(),
  conjectureVersion: z.number().int().positive().nullable(),
  model: z.string(),
  usage: Usage,
  latencyMs: count,
  /** NOMS consistency λ of the scored candidates; null when fewer than one candidate was scored. */
  consistency: unit.nullable(),
  adaptation: Adaptation.nullable(),
  budgetExhausted: z.string().nullable(),
  createdAt: isoTime,
});
export type Recommendation = z.infer<typeof Recommendation>;

export const ActionOutcomes = ['recommended', 'executed', 'rejected', 'failed'] as const;
export const HistoryEntry = z.object({
  step: count,
  action: ResponseAction,
  outcome: z.enum(ActionOutcomes),
  note: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const Prediction = z.object({
  step: count,
  state: RecoveryState,
  /** Normalised signature keys the conjecture expects in the next alerts. */
  expectedSignatures: z.array(z.string()),
});
export type Prediction = z.infer<typeof Prediction>;

/**
 * The whole incident's evidence, one compact group per rule/signature (evidence-digest.ts folds each step's new
 * alerts in and renders the digest every prompt carries). Bounded: at most EvidenceLimits.groups groups, a few
 * values per entity kind, the newest alert ids for de-duplication. Lenient on purpose: a ledger that does not
 * parse is dropped (the state still loads), never a reason to lose the whole agent state.
 */
export const EvidenceGroup = z.object({
  key: z.string(),
  rule: z.string(),
  ruleId: z.string().optional(),
  category: z.string().optional(),
  /** Highest severity seen in the group (0–100) and the latest alert's. */
  severity: z.number().min(0).max(100),
  count: count,
  first: z.string(),
  last: z.string(),
  /** The step that last added alerts to the group, and how many it added. */
  lastStep: count,
  newCount: count,
  hosts: z.array(z.string()),
  ips: z.array(z.string()),
  users: z.array(z.string()),
  ports: z.array(z.number().int()),
  tactics: z.array(z.string()),
  /** More distinct entity values were offered than the group keeps. */
  moreEntities: z.boolean(),
  /** The latest alert's message when it says more than the rule name (attacker-controlled; a data block only). */
  example: z.string().optional(),
});
export type EvidenceGroup = z.infer<typeof EvidenceGroup>;

export const EvidenceLedger = z.object({
  /** Alerts folded in so far (redeliveries excluded). */
  alerts: count,
  groups: z.array(EvidenceGroup),
  /** Groups (and their alerts) evicted by the group cap, least severe and oldest first. */
  evictedGroups: count,
  evictedAlerts: count,
  /** Observed signature keys of the whole incident (signatures.ts), for the conjecture test. */
  signatures: z.array(z.string()),
  /** The newest alert ids folded in, so a redelivered alert is not counted twice. */
  recentIds: z.array(z.string()),
});
export type EvidenceLedger = z.infer<typeof EvidenceLedger>;

export function emptyEvidenceLedger(): EvidenceLedger {
  return { alerts: 0, groups: [], evictedGroups: 0, evictedAlerts: 0, signatures: [], recentIds: [] };
}

/** Entity strings seen in the evidence so far; the entity guard accepts only these. */
export const KnownEntities = z.object({
  hosts: z.array(z.string()),
  ips: z.array(z.string()),
  users: z.array(z.string()),
});
export type KnownEntities = z.infer<typeof KnownEntities>;

export const AgentState = z.object({
  schemaVersion: z.literal(1),
  incidentId: z.string().min(1),
  /** Steps run so far (abstentions included); the next recommendation gets this number. */
  step: count,
  recoveryState: RecoveryState,
  analysis: z.object({ isIncident: z.boolean(), description: z.string() }).nullable(),
  conjecture: Conjecture.nullable(),
  history: z.array(HistoryEntry),
  lastPrediction: Prediction.nullable(),
  entities: KnownEntities,
  systemDescription: z.string().nullable(),
  /** The whole incident's evidence; states stored before it existed load with an empty ledger. */
  evidence: EvidenceLedger.catch(() => emptyEvidenceLedger()),
  /**
   * The data-block nonce of this incident: drawn once, so every prompt of every step starts with the same bytes
   * (prefix caching). Null until the first step draws it.
   */
  promptNonce: z
    .string()
    .regex(/^[0-9a-f]{12}$/)
    .nullable()
    .catch(null),
  counters: z.object({
    llmCalls: count,
    promptTokens: count,
    completionTokens: count,
    abstentions: count,
    revisions: count,
  }),
});
export type AgentState = z.infer<typeof AgentState>;

export const AnalystFeedback = z.object({
  /** The recommendation step the feedback is about; absent for a free note. */
  step: count.optional(),
  outcome: z.enum(['executed', 'rejected', 'failed']).optional(),
  note: z.string().max(2000).default(''),
});
export type AnalystFeedback = z.infer<typeof AnalystFeedback>;

export function initialAgentState(incidentId: string): AgentState {
  return {
    schemaVersion: 1,
    incidentId,
    step: 0,
    recoveryState: { ...initialRecoveryState },
    analysis: null,
    conjecture: null,
    history: [],
    lastPrediction: null,
    entities: { hosts: [], ips: [], users: [] },
    systemDescription: null,
    evidence: emptyEvidenceLedger(),
    promptNonce: null,
    counters: { llmCalls: 0, promptTokens: 0, completionTokens: 0, abstentions: 0, revisions: 0 },
  };
}

/** What one step sees: the alerts to consider (new ones, or a window the caller chooses), feedback, the system. */
export interface StepInput {
  readonly alerts: readonly NormalizedAlert[];
  readonly feedback?: readonly AnalystFeedback[];
  /** Replaces the stored description when given (operators describe the network once per incident or per site). */
  readonly systemDescription?: string;
  /** Triage's view of the incident (score 0–100, ATT&CK tactics of its alerts), for the disagreement guard. */
  readonly triage?: TriageView;
}

export interface TriageView {
  readonly score: number;
  readonly tactics: readonly string[];
}

export interface StepOutcome {
  readonly state: AgentState;
  readonly recommendation: Recommendation;
  /** Conjecture documents created in this step (the initial conjecture counts as a revision from nothing). */
  readonly revisions: readonly ConjectureRevision[];
}
