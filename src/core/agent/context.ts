import type { LlmMessage, LlmPort } from '../ports/llm';
import type { AgentConfig } from './agent-config';
import { wrapData, type PreparedData } from './data-block';
import type { GuardEvidence } from './entity-guard';
import type { StepMeter, UsageListener } from './step-meter';
import type { CandidateReport, EvidenceLedger } from './types';
import { headFor, renderPrompt, type PromptRole, type PromptSet, type PromptValue } from './prompt-template';
import { commonPromptValues } from './prompt-values';

/** What the step needs from outside: the model behind its port, the prompts, a clock and a random source. */
export interface AgentDeps {
  readonly llm: LlmPort;
  readonly prompts: PromptSet;
  readonly now: () => number;
  readonly random: () => number;
  /** Progress inside a step: called by the step meter when a call starts and when it ends (step-meter.ts). */
  readonly onUsage?: UsageListener;
  /** The screened candidates once planning has them, before their rollouts: what an interrupted step had. */
  readonly onCandidates?: (candidates: readonly CandidateReport[]) => void;
}

/** Untrusted inputs, encoded once per step and wrapped with the incident's nonce. */
export interface StepData {
  readonly system: PreparedData;
  /** The evidence digest of the whole incident (evidence-digest.ts), rendered within `evidenceChars`. */
  readonly evidence: PreparedData;
  /** The ledger the digest was rendered from, so a caller can re-render it smaller (withEvidenceBudget). */
  readonly ledger: EvidenceLedger;
  readonly feedback: PreparedData;
  readonly entities: PreparedData;
}

export interface StepContext {
  readonly deps: AgentDeps;
  readonly config: AgentConfig;
  readonly signal: AbortSignal;
  readonly meter: StepMeter;
  readonly startedAt: number;
  readonly incidentId: string;
  readonly step: number;
  readonly data: StepData;
  /** The incident's data-block nonce (AgentState.promptNonce): one for every call, so prompts share their prefix. */
  readonly nonce: string;
  /** The whole incident's observed signature keys (evidence-digest.ts), for the conjecture test. */
  readonly observed: ReadonlySet<string>;
  readonly guardEvidence: GuardEvidence;
}

export type MessageValue = PromptValue | PreparedData;

function isPrepared(value: MessageValue): value is PreparedData {
  return typeof value === 'object' && 'lines' in value;
}

/**
 * Renders one role's messages: the shared system message, then a user message that starts with the shared head
 * (system description, evidence digest, entities, feedback and, after perception, analysis and conjecture) and
 * ends with the role's instructions and varying values. Every data block carries the incident's nonce, so all
 * calls of a step are byte-identical up to where their roles differ. `values` supplies `incident` and
 * `conjecture` (the same for every call of a step) and the role's own values.
 */
export function messagesFor(
  context: StepContext,
  role: PromptRole,
  values: Readonly<Record<string, MessageValue>>,
): LlmMessage[] {
  const wrap = (value: MessageValue): PromptValue => (isPrepared(value) ? wrapData(value, context.nonce) : value);
  const { data } = context;
  const rendered: Record<string, PromptValue> = {
    ...commonPromptValues(),
    system: wrap(data.system),
    evidence: wrap(data.evidence),
    entities: wrap(data.entities),
    feedback: wrap(data.feedback),
  };
  for (const [name, value] of Object.entries(values)) rendered[name] = wrap(value);
  const { shared, roles } = context.deps.prompts;
  const head = renderPrompt(headFor(shared.user, role), rendered);
  return [
    { role: 'system', content: renderPrompt(shared.system, rendered) },
    { role: 'user', content: `${head}\n\n${renderPrompt(roles[role], rendered)}` },
  ];
}
