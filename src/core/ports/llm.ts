import type { z } from 'zod';
import type { Result } from '../result';

/**
 * The LLM port. The core depends on this type only; adapters (Ollama, embedded node-llama-cpp, the scripted test
 * double) implement it. Infrastructure failures (model unreachable, aborted) are thrown as IraError; an answer that
 * does not satisfy the schema is an expected outcome and comes back as a value.
 */
export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** What the call is for; used for accounting (calls, tokens and latency per role) and in the scripted double. */
export type LlmPurpose =
  | 'perceive'
  | 'predict-state'
  | 'generate-action'
  | 'conjecture-test'
  | 'conjecture-revise'
  | 'direct-plan'
  | 'judge';

export interface LlmRequest<T> {
  readonly purpose: LlmPurpose;
  readonly messages: readonly LlmMessage[];
  /** The answer's schema. Adapters send it as JSON Schema (z.toJSONSchema) and validate the reply with it. */
  readonly schema: z.ZodType<T>;
  readonly temperature: number;
  readonly topP: number;
  readonly seed?: number;
  /** The call's context (Ollama `num_ctx`); the agent sizes it per call (src/core/llm/call-budget.ts). */
  readonly contextSize?: number;
  /** Tokens the model may generate: thinking and answer together (Ollama `num_predict`). */
  readonly maxTokens: number;
  /** Reasoning models: think before answering, the thinking returned apart from the answer. Unset: the adapter's choice. */
  readonly think?: boolean;
  readonly signal: AbortSignal;
}

export interface LlmUsage {
  /** The prompt's tokens as the model's context held them (sent), cache hits included. */
  readonly promptTokens: number;
  /** Of those, the ones evaluated by this call (prefix-cache hits excluded); absent when the server does not say. */
  readonly evaluatedPromptTokens?: number;
  /** Generated tokens, thinking included. */
  readonly completionTokens: number;
}

export interface LlmSuccess<T> {
  readonly value: T;
  readonly rawText: string;
  /** Reasoning models' thinking text (e.g. DeepSeek-R1's <think> block), kept for audit, never parsed. */
  readonly reasoning?: string;
  readonly usage: LlmUsage;
  readonly latencyMs: number;
  readonly model: string;
}

export interface LlmInvalidAnswer {
  readonly kind: 'invalid-answer';
  readonly message: string;
  readonly rawText: string;
  /** The model stopped at `maxTokens` (done_reason "length"): a retry needs a larger budget, not the same one. */
  readonly truncated?: boolean;
  readonly usage: LlmUsage;
  readonly latencyMs: number;
  readonly model: string;
}

export type LlmResult<T> = Result<LlmSuccess<T>, LlmInvalidAnswer>;

export interface LlmPort {
  /** The model name as configured (for the recommendation documents). */
  readonly model: string;
  complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>>;
}
