import type { z } from 'zod';
import { ErrorCodes, IraError } from '../../errors';
import { stableHash } from '../hash';
import { grownPlan, planCall, type CallBudget, type WindowSpec } from '../llm/call-budget';
import { isReasoning, placeInstructions, profileNamed, profileTemperature, roleOf, type LlmRole } from '../llm/profiles';
import { estimatorFor } from '../llm/prompt-tokens';
import type { LlmMessage, LlmPurpose, LlmRequest, LlmResult } from '../ports/llm';
import type { StepContext } from './context';

/**
 * One model question under the step's budgets and the model's profile (src/core/llm/profiles.ts). Each call is sized
 * from its prompt: the context holds the prompt (estimated conservatively, learned from the server's counts), the
 * role's answer budget and, for a reasoning model, its thinking budget. A prompt that would not fit the window is not
 * sent ('context'). An answer cut at its token limit is asked again with twice the budget; one that fails its schema
 * otherwise is asked again once with the validation message. A second failure is a value ('invalid') the caller
 * turns into cost H or an abstention; a spent budget is a value too ('budget'). Only infrastructure failures and a
 * cancelled step throw.
 */
export type AskResult<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'budget' | 'context'; message: string };

export interface AskSpec<T> {
  readonly purpose: LlmPurpose;
  readonly messages: readonly LlmMessage[];
  readonly schema: z.ZodType<T>;
  /** Clamped to the profile's range (R1 is never greedy). */
  readonly temperature: number;
  /** A floor for the answer budget; the role's budget in the profile applies when it is larger. */
  readonly maxTokens: number;
  /** Names the question within the step, so its seed is the same however concurrent calls interleave. */
  readonly seedKey: string;
  /** The commit uses the call kept back for it. */
  readonly useReserve?: boolean;
}

const rawEchoChars = 2000;

export function seedFor(base: number, key: string): number {
  return (base + Number.parseInt(stableHash(key).slice(0, 7), 16)) % 2147483647;
}

function isTimeout(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

/** A timed-out step signal is the time budget (finish with what we have); any other abort cancels the step. */
function stopForAbort(context: StepContext): true {
  if (isTimeout(context.signal.reason)) {
    context.meter.markExhausted('step timeout reached');
    return true;
  }
  throw new IraError(ErrorCodes.aborted, 'agent step aborted', { cause: context.signal.reason });
}

function windowOf(context: StepContext): WindowSpec {
  return { profile: profileNamed(context.config.profile), contextWindow: context.config.contextSize };
}

function request<T>(context: StepContext, spec: AskSpec<T>, messages: readonly LlmMessage[], budget: CallBudget, key: string): LlmRequest<T> {
  const { config } = context;
  const profile = profileNamed(config.profile);
  return {
    purpose: spec.purpose,
    messages,
    schema: spec.schema,
    temperature: profileTemperature(profile, spec.temperature),
    topP: config.topP,
    seed: seedFor(config.seed, key),
    maxTokens: budget.maxTokens,
    contextSize: budget.contextSize,
    ...(isReasoning(profile) ? { think: true } : {}),
    signal: context.signal,
  };
}

type Attempt<T> = { kind: 'answer'; result: LlmResult<T>; budget: CallBudget } | { kind: 'budget' } | { kind: 'context'; message: string };

/** Sizes the call from its prompt; a prompt that does not fit is recorded and not sent. */
function plan(context: StepContext, role: LlmRole, messages: readonly LlmMessage[], floor: number): { budget: CallBudget } | { message: string } {
  const window = windowOf(context);
  const promptTokens = estimatorFor(context.deps.llm).estimate(messages);
  const answer = Math.max(floor, window.profile.answerTokens[role]);
  const planned = planCall(window, role, promptTokens, answer, window.profile.thinkingTokens);
  return planned.ok ? { budget: planned.budget } : { message: planned.message };
}

async function attempt<T>(
  context: StepContext,
  spec: AskSpec<T>,
  messages: readonly LlmMessage[],
  budget: CallBudget,
  key: string,
): Promise<Attempt<T>> {
  if (context.signal.aborted && stopForAbort(context)) return { kind: 'budget' };
  if (!context.meter.tryStart(spec.purpose, spec.useReserve ?? false)) return { kind: 'budget' };
  let result: LlmResult<T>;
  try {
    result = await context.deps.llm.complete(request(context, spec, messages, budget, key));
  } catch (error) {
    if (context.signal.aborted && stopForAbort(context)) return { kind: 'budget' };
    throw error;
  }
  const usage = result.ok ? result.value.usage : result.error.usage;
  context.meter.record(usage);
  estimatorFor(context.deps.llm).observe(messages, usage.promptTokens);
  return { kind: 'answer', result, budget };
}

async function sized<T>(context: StepContext, spec: AskSpec<T>, messages: readonly LlmMessage[], key: string): Promise<Attempt<T>> {
  const planned = plan(context, roleOf(spec.purpose), messages, spec.maxTokens);
  if ('message' in planned) {
    context.meter.note(planned.message);
    return { kind: 'context', message: planned.message };
  }
  return attempt(context, spec, messages, planned.budget, key);
}

function schemaRetry(messages: readonly LlmMessage[], rawText: string, message: string): LlmMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: rawText.slice(0, rawEchoChars) },
    {
      role: 'user',
      content:
        `That answer does not match the required JSON schema (${message.slice(0, 400)}). ` +
        'Reply again with exactly one JSON object that matches the schema and nothing else.',
    },
  ];
}

/** The second try: a cut answer gets a larger budget with the same prompt; a wrong one is shown its validation message. */
async function retry<T>(context: StepContext, spec: AskSpec<T>, messages: readonly LlmMessage[], first: Attempt<T> & { kind: 'answer' }, key: string): Promise<Attempt<T>> {
  if (first.result.ok) return first;
  const { error } = first.result;
  if (error.truncated) {
    const role = roleOf(spec.purpose);
    const grown = grownPlan(windowOf(context), role, first.budget);
    if (grown !== null && grown.ok) return attempt(context, spec, messages, grown.budget, `${key}:retry`);
    // Never the same limits again: the answer would be cut at the same place.
    context.meter.note(`a ${role} answer was cut at ${first.budget.maxTokens} tokens and the budget cannot grow within the profile`);
    return first;
  }
  return sized(context, spec, schemaRetry(messages, error.rawText, error.message), `${key}:retry`);
}

function failure<T>(context: StepContext, spec: AskSpec<T>, outcome: Attempt<T>): AskResult<T> | null {
  if (outcome.kind === 'budget') return { ok: false, reason: 'budget', message: context.meter.exhausted ?? 'budget spent' };
  if (outcome.kind === 'context') return { ok: false, reason: 'context', message: `${spec.purpose}: ${outcome.message}` };
  return outcome.result.ok ? { ok: true, value: outcome.result.value.value } : null;
}

export async function ask<T>(context: StepContext, spec: AskSpec<T>): Promise<AskResult<T>> {
  const key = `${context.incidentId}:${context.step}:${spec.seedKey}`;
  const messages = placeInstructions(profileNamed(context.config.profile), spec.messages);
  const first = await sized(context, spec, messages, key);
  const done = failure(context, spec, first);
  if (done !== null || first.kind !== 'answer') return done ?? { ok: false, reason: 'budget', message: 'budget spent' };
  const second = await retry(context, spec, messages, first, key);
  const finished = failure(context, spec, second);
  if (finished !== null) return finished;
  const message = second.kind === 'answer' && !second.result.ok ? second.result.error.message : 'no answer';
  return { ok: false, reason: 'invalid', message: `${spec.purpose} answer failed twice: ${message.slice(0, 300)}` };
}
