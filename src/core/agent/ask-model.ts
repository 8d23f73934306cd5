import type { z } from 'zod';
import { ErrorCodes, IraError } from '../../errors';
import { stableHash } from '../hash';
import type { LlmMessage, LlmPurpose, LlmRequest, LlmResult } from '../ports/llm';
import type { StepContext } from './context';

/**
 * One model question under the step's budgets. An answer that fails its schema is asked again once, with the
 * validation message; a second failure is a value ('invalid') the caller turns into cost H or an abstention.
 * A spent budget is a value too ('budget'). Only infrastructure failures and a cancelled step throw.
 */
export type AskResult<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'budget'; message: string };

export interface AskSpec<T> {
  readonly purpose: LlmPurpose;
  readonly messages: readonly LlmMessage[];
  readonly schema: z.ZodType<T>;
  readonly temperature: number;
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

function request<T>(context: StepContext, spec: AskSpec<T>, messages: readonly LlmMessage[], key: string): LlmRequest<T> {
  const { config } = context;
  return {
    purpose: spec.purpose,
    messages,
    schema: spec.schema,
    temperature: spec.temperature,
    topP: config.topP,
    seed: seedFor(config.seed, key),
    maxTokens: spec.maxTokens,
    signal: context.signal,
    ...(config.contextSize === undefined ? {} : { contextSize: config.contextSize }),
  };
}

async function attempt<T>(
  context: StepContext,
  spec: AskSpec<T>,
  messages: readonly LlmMessage[],
  key: string,
): Promise<LlmResult<T> | 'budget'> {
  if (context.signal.aborted && stopForAbort(context)) return 'budget';
  if (!context.meter.tryStart(spec.purpose, spec.useReserve ?? false)) return 'budget';
  let result: LlmResult<T>;
  try {
    result = await context.deps.llm.complete(request(context, spec, messages, key));
  } catch (error) {
    if (context.signal.aborted && stopForAbort(context)) return 'budget';
    throw error;
  }
  context.meter.record(result.ok ? result.value.usage : result.error.usage);
  return result;
}

export async function ask<T>(context: StepContext, spec: AskSpec<T>): Promise<AskResult<T>> {
  const key = `${context.incidentId}:${context.step}:${spec.seedKey}`;
  const first = await attempt(context, spec, spec.messages, key);
  if (first === 'budget') return { ok: false, reason: 'budget', message: context.meter.exhausted ?? 'budget spent' };
  if (first.ok) return { ok: true, value: first.value.value };
  const retryMessages: LlmMessage[] = [
    ...spec.messages,
    { role: 'assistant', content: first.error.rawText.slice(0, rawEchoChars) },
    {
      role: 'user',
      content:
        `That answer does not match the required JSON schema (${first.error.message.slice(0, 400)}). ` +
        'Reply again with exactly one JSON object that matches the schema and nothing else.',
    },
  ];
  const second = await attempt(context, spec, retryMessages, `${key}:retry`);
  if (second === 'budget') return { ok: false, reason: 'budget', message: context.meter.exhausted ?? 'budget spent' };
  if (second.ok) return { ok: true, value: second.value.value };
  return { ok: false, reason: 'invalid', message: `${spec.purpose} answer failed its schema twice: ${second.error.message.slice(0, 300)}` };
}
