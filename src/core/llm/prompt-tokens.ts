import type { LlmMessage } from '../ports/llm';

/**
 * A conservative prompt token count, before the prompt is sent. Measured with SmolLM2's tokenizer (which, like
 * Qwen's under DeepSeek-R1-Distill, splits digits one by one): prose runs at about 4 characters per token, but the
 * evidence block's JSON, full of IP addresses and timestamps, at 2.2. So every digit counts as a token and the rest
 * as one token per 2.5 characters, which was 3–12 % above the real count on the bundled incidents' evidence and far
 * above it on prose. What the server reports (`promptTokens`) is learned per model: the smallest characters-per-token
 * ratio seen, and the estimate is the larger (more conservative) of the two.
 */
const otherCharsPerToken = 2.5;
/** Chat-template tokens around each message (role markers, separators) and around the whole prompt. */
const messageOverhead = 8;
const promptOverhead = 16;
/** Too short a prompt says little about the ratio (template tokens dominate it). */
const minLearnTokens = 64;

export function estimateTextTokens(text: string): number {
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) digits += 1;
  }
  return digits + Math.ceil((text.length - digits) / otherCharsPerToken);
}

export function promptChars(messages: readonly LlmMessage[]): number {
  return messages.reduce((sum, message) => sum + message.content.length, 0);
}

export class PromptTokenEstimator {
  private learnedCharsPerToken: number | null = null;

  /** The conservative of the heuristic and of the learned ratio. */
  estimate(messages: readonly LlmMessage[]): number {
    const heuristic = messages.reduce((sum, message) => sum + estimateTextTokens(message.content) + messageOverhead, promptOverhead);
    if (this.learnedCharsPerToken === null) return heuristic;
    return Math.max(heuristic, Math.ceil(promptChars(messages) / this.learnedCharsPerToken) + promptOverhead);
  }

  /** Learns from the server's count of the prompt's tokens (the whole prompt, cache hits included). */
  observe(messages: readonly LlmMessage[], promptTokens: number): void {
    if (promptTokens < minLearnTokens) return;
    const ratio = promptChars(messages) / promptTokens;
    if (this.learnedCharsPerToken === null || ratio < this.learnedCharsPerToken) this.learnedCharsPerToken = ratio;
  }

  /** The learned ratio, null until a prompt was observed. */
  get charsPerToken(): number | null {
    return this.learnedCharsPerToken;
  }
}

/** One estimator per model port, so what is learned from one model's counts never sizes another's prompts. */
const estimators = new WeakMap<object, PromptTokenEstimator>();

export function estimatorFor(model: object): PromptTokenEstimator {
  let estimator = estimators.get(model);
  if (estimator === undefined) {
    estimator = new PromptTokenEstimator();
    estimators.set(model, estimator);
  }
  return estimator;
}
