import { ErrorCodes, IraError } from '../../src/errors';
import { toJsonSchema } from '../../src/core/llm/json-schema';
import { parseAnswer } from '../../src/core/llm/parse-answer';
import type { LlmMessage, LlmPort, LlmPurpose, LlmRequest, LlmResult } from '../../src/core/ports/llm';

/**
 * A reasoning model as the agent meets it on Ollama (DeepSeek-R1): it thinks for `thinkingTokens` before it answers,
 * and the thinking counts against the call's `maxTokens` like the answer does. A call whose budget is too small is cut
 * (done_reason "length": the JSON never closes), and a prompt that does not fit the call's context would have its
 * start dropped by the server; both are recorded as violations, as are a system message (R1 takes its instructions in
 * the user turn), a temperature outside 0.5–0.7 and thinking not asked for.
 *
 * Prompt tokens follow the tokenizer measured on the bundled evidence (SmolLM2's, like Qwen's: every digit a token,
 * other characters about 3 to a token) plus the chat template's few tokens per message; answers count two characters
 * a token.
 */
export type ReasoningAnswer = (request: LlmRequest<unknown>) => unknown;

export interface ReasoningCall {
  readonly purpose: LlmPurpose;
  readonly promptTokens: number;
  readonly contextSize: number | undefined;
  readonly maxTokens: number;
  readonly completionTokens: number;
  readonly truncated: boolean;
}

export function modelPromptTokens(messages: readonly LlmMessage[]): number {
  return messages.reduce((sum, message) => {
    const digits = (message.content.match(/[0-9]/g) ?? []).length;
    return sum + digits + Math.ceil((message.content.length - digits) / 3) + 4;
  }, 3);
}

function jsonTokens(text: string): number {
  const digits = (text.match(/[0-9]/g) ?? []).length;
  return digits + Math.ceil((text.length - digits) / 2);
}

export class ReasoningLlm implements LlmPort {
  readonly model = 'deepseek-r1-double';
  readonly calls: ReasoningCall[] = [];
  readonly violations: string[] = [];

  constructor(
    private readonly answer: ReasoningAnswer,
    private readonly thinkingTokens = 1500,
  ) {}

  complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>> {
    if (request.signal.aborted) return Promise.reject(new IraError(ErrorCodes.aborted, 'LLM call aborted'));
    toJsonSchema(request.schema);
    const promptTokens = modelPromptTokens(request.messages);
    const context = request.contextSize;
    const where = `${request.purpose} call #${this.calls.length}`;
    if (context === undefined || promptTokens + request.maxTokens > context) {
      this.violations.push(`${where}: ${promptTokens} prompt + ${request.maxTokens} tokens exceed num_ctx ${String(context)}`);
    }
    if (request.messages.some((message) => message.role === 'system')) this.violations.push(`${where}: system message`);
    if (request.temperature < 0.5 || request.temperature > 0.7) this.violations.push(`${where}: temperature ${request.temperature}`);
    if (request.think !== true) this.violations.push(`${where}: thinking not requested`);
    const json = JSON.stringify(this.answer(request));
    const needed = this.thinkingTokens + jsonTokens(json);
    const truncated = needed > request.maxTokens;
    if (truncated) this.violations.push(`${where}: cut at ${request.maxTokens} tokens, needed ${needed}`);
    const thinking = 'Let me weigh the evidence. '.repeat(Math.ceil(this.thinkingTokens / 6));
    // Cut: the thinking ran into the limit, so the answer never started.
    const rawText = truncated ? `<think>${thinking}` : `<think>${thinking}</think>\n${json}`;
    const completionTokens = Math.min(needed, request.maxTokens);
    this.calls.push({ purpose: request.purpose, promptTokens, contextSize: context, maxTokens: request.maxTokens, completionTokens, truncated });
    return Promise.resolve(
      parseAnswer(request.schema, rawText, { usage: { promptTokens, completionTokens }, latencyMs: 1, model: this.model, truncated }),
    );
  }
}
