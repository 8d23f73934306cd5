import type { LlmProfile, LlmRole } from './profiles';

/**
 * The sizes of one call: the context it asks for and the tokens it may generate. A call's context holds the prompt,
 * the thinking and the answer; Ollama cuts the *start* of a prompt that does not fit its `num_ctx` (where the
 * instructions are), so a prompt that would not fit the profile's window is never sent (`planCall` says so instead).
 */
export interface CallBudget {
  readonly promptTokens: number;
  readonly answerTokens: number;
  readonly thinkingTokens: number;
  /** thinking + answer: Ollama's `num_predict`, node-llama-cpp's `maxTokens`. */
  readonly maxTokens: number;
  /** Ollama's `num_ctx` for this call. */
  readonly contextSize: number;
}

export type CallPlan = { readonly ok: true; readonly budget: CallBudget } | { readonly ok: false; readonly message: string };

/** Kept free in every context for what the estimate may have missed (template tokens, a generation prefix). */
export const contextMarginTokens = 64;
/**
 * Ollama reloads the model whenever `num_ctx` changes, so contexts are asked for in steps of this size (and the
 * adapter never goes below the largest it already asked for).
 */
export const contextStepTokens = 2048;

/** The window a call may use: the profile's, or the operator's smaller (or larger) IRA_LLM_CONTEXT_SIZE. */
export interface WindowSpec {
  readonly profile: LlmProfile;
  readonly contextWindow: number;
}

export function completionTokens(profile: LlmProfile, role: LlmRole, answerFloor = 0): { answer: number; thinking: number } {
  return { answer: Math.max(answerFloor, profile.answerTokens[role]), thinking: profile.thinkingTokens };
}

/** The most prompt tokens a call of this role can carry: the step's evidence budget shrinks to stay below it. */
export function maxPromptTokens(spec: WindowSpec, role: LlmRole, answerFloor = 0): number {
  const { answer, thinking } = completionTokens(spec.profile, role, answerFloor);
  return Math.max(0, spec.contextWindow - answer - thinking - contextMarginTokens);
}

function roundUpContext(tokens: number, window: number): number {
  return Math.min(window, Math.ceil(tokens / contextStepTokens) * contextStepTokens);
}

export function planCall(spec: WindowSpec, role: LlmRole, promptTokens: number, answer: number, thinking: number): CallPlan {
  const maxTokens = answer + thinking;
  const needed = promptTokens + maxTokens + contextMarginTokens;
  if (needed > spec.contextWindow) {
    return {
      ok: false,
      message:
        `the ${role} prompt (about ${promptTokens} tokens) and its ${maxTokens}-token answer budget do not fit the ` +
        `${spec.contextWindow}-token context of profile ${spec.profile.name}; not sent`,
    };
  }
  return {
    ok: true,
    budget: { promptTokens, answerTokens: answer, thinkingTokens: thinking, maxTokens, contextSize: roundUpContext(needed, spec.contextWindow) },
  };
}

/**
 * After an answer was cut at its token limit: twice the thinking and the answer, within the profile's completion cap
 * and the window. Null when it cannot grow (the retry would repeat the same limits).
 */
export function grownPlan(spec: WindowSpec, role: LlmRole, previous: CallBudget): CallPlan | null {
  const room = spec.contextWindow - previous.promptTokens - contextMarginTokens;
  const total = Math.min(2 * previous.maxTokens, spec.profile.maxCompletionTokens, room);
  if (total <= previous.maxTokens) return null;
  const scale = total / previous.maxTokens;
  const thinking = Math.floor(previous.thinkingTokens * scale);
  return planCall(spec, role, previous.promptTokens, total - thinking, thinking);
}
