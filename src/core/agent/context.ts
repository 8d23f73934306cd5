import type { LlmMessage, LlmPort } from '../ports/llm';
import type { AgentConfig } from './agent-config';
import { makeNonce, wrapData, type PreparedData } from './data-block';
import type { GuardEvidence } from './entity-guard';
import type { StepMeter } from './step-meter';
import { renderPrompt, type PromptRole, type PromptSet, type PromptValue } from './prompt-template';
import { commonPromptValues } from './prompt-values';

/** What the step needs from outside: the model behind its port, the prompts, a clock and a random source. */
export interface AgentDeps {
  readonly llm: LlmPort;
  readonly prompts: PromptSet;
  readonly now: () => number;
  readonly random: () => number;
}

/** Untrusted inputs, encoded once per step and wrapped with a fresh nonce per call. */
export interface StepData {
  readonly system: PreparedData;
  readonly evidence: PreparedData;
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
  readonly guardEvidence: GuardEvidence;
}

export type MessageValue = PromptValue | PreparedData;

function isPrepared(value: MessageValue): value is PreparedData {
  return typeof value === 'object' && 'lines' in value;
}

/** Renders one role's system and user messages; every data block of this call shares one fresh nonce. */
export function messagesFor(
  context: StepContext,
  role: PromptRole,
  values: Readonly<Record<string, MessageValue>>,
): LlmMessage[] {
  const nonce = makeNonce(context.deps.random);
  const rendered: Record<string, PromptValue> = { ...commonPromptValues(), system: wrapData(context.data.system, nonce) };
  for (const [name, value] of Object.entries(values)) rendered[name] = isPrepared(value) ? wrapData(value, nonce) : value;
  const template = context.deps.prompts[role];
  return [
    { role: 'system', content: renderPrompt(template.system, rendered) },
    { role: 'user', content: renderPrompt(template.user, rendered) },
  ];
}
