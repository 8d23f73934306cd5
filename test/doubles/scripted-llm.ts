import { ErrorCodes, IraError } from '../../src/errors';
import { toJsonSchema } from '../../src/core/llm/json-schema';
import { parseAnswer } from '../../src/core/llm/parse-answer';
import type { LlmMessage, LlmPort, LlmPurpose, LlmRequest, LlmResult, LlmUsage } from '../../src/core/ports/llm';

/**
 * A scripted LlmPort for unit tests. Replies are consumed in order (or per purpose in keyed mode) and go through the
 * same path as a real adapter's text: the request's schema must be convertible to JSON Schema with bounded strings,
 * and the reply is validated by `parseAnswer`, so a reply that breaks the schema comes back as an LlmInvalidAnswer.
 *
 * A reply is one of:
 * - a string: the model's raw text (may hold `<think>` blocks, prose, broken JSON);
 * - an Error: thrown (use IraError to simulate infrastructure failures);
 * - a function of the request: its result is used as the reply (may be async, may inspect messages);
 * - anything else: serialised with JSON.stringify as the model's answer.
 *
 * Running out of replies throws ScriptExhaustedError: an unplanned call is a bug in the test or the code under test.
 */
export type ScriptedReply = string | Error | object | number | boolean | null | ((request: LlmRequest<unknown>) => ScriptedReply | Promise<ScriptedReply>);

export interface ScriptedCall {
  readonly purpose: LlmPurpose;
  readonly messages: readonly LlmMessage[];
  readonly options: {
    readonly temperature: number;
    readonly topP: number;
    readonly seed?: number | undefined;
    readonly contextSize?: number | undefined;
    readonly maxTokens: number;
  };
}

export interface ScriptedLlmOptions {
  readonly model?: string;
  /** Fixed latency reported per call (no real waiting). */
  readonly latencyMs?: number;
  /** Usage per call; default estimates 4 characters per token of the prompt and of the reply. */
  readonly usage?: (request: LlmRequest<unknown>, rawText: string) => LlmUsage;
}

export class ScriptExhaustedError extends Error {
  override readonly name = 'ScriptExhaustedError';
}

export type KeyedReplies = Partial<Record<LlmPurpose, readonly ScriptedReply[]>>;

type Script = { kind: 'ordered'; replies: ScriptedReply[] } | { kind: 'keyed'; replies: Partial<Record<LlmPurpose, ScriptedReply[]>> };

export class ScriptedLlm implements LlmPort {
  readonly model: string;
  readonly calls: ScriptedCall[] = [];
  private readonly script: Script;
  private readonly options: ScriptedLlmOptions;
  private readonly initialCounts: { ordered: number; keyed: Partial<Record<LlmPurpose, number>> };

  /** An ordered script, or `{ byPurpose }`: see `ScriptedLlm.keyed`. */
  constructor(replies: readonly ScriptedReply[] | { readonly byPurpose: KeyedReplies }, options: ScriptedLlmOptions = {}) {
    this.script = isKeyed(replies) ? { kind: 'keyed', replies: copyKeyed(replies.byPurpose) } : { kind: 'ordered', replies: [...replies] };
    this.options = options;
    this.model = options.model ?? 'scripted';
    this.initialCounts = {
      ordered: this.script.kind === 'ordered' ? this.script.replies.length : 0,
      keyed: this.script.kind === 'keyed' ? Object.fromEntries(Object.entries(this.script.replies).map(([key, list]) => [key, list.length])) : {},
    };
  }

  /** Replies per purpose, each list consumed in order: for planners whose call order across purposes interleaves. */
  static keyed(byPurpose: KeyedReplies, options: ScriptedLlmOptions = {}): ScriptedLlm {
    return new ScriptedLlm({ byPurpose }, options);
  }

  /** Replies not yet consumed (all purposes together in keyed mode). */
  remaining(): number {
    if (this.script.kind === 'ordered') return this.script.replies.length;
    return Object.values(this.script.replies).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  }

  callsFor(purpose: LlmPurpose): ScriptedCall[] {
    return this.calls.filter((call) => call.purpose === purpose);
  }

  async complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>> {
    if (request.signal.aborted) throw new IraError(ErrorCodes.aborted, 'LLM call aborted', { cause: request.signal.reason });
    toJsonSchema(request.schema); // same precondition as the real adapters: bounded strings, representable schema
    this.calls.push({
      purpose: request.purpose,
      messages: request.messages,
      options: {
        temperature: request.temperature,
        topP: request.topP,
        seed: request.seed,
        contextSize: request.contextSize,
        maxTokens: request.maxTokens,
      },
    });
    let reply = this.next(request);
    while (typeof reply === 'function') reply = await reply(request);
    if (request.signal.aborted) throw new IraError(ErrorCodes.aborted, 'LLM call aborted', { cause: request.signal.reason });
    if (reply instanceof Error) throw reply;
    const rawText = typeof reply === 'string' ? reply : JSON.stringify(reply);
    const usage = this.options.usage?.(request, rawText) ?? estimateUsage(request.messages, rawText);
    return parseAnswer(request.schema, rawText, { usage, latencyMs: this.options.latencyMs ?? 0, model: this.model });
  }

  private next(request: LlmRequest<unknown>): ScriptedReply {
    const ordered = this.script.kind === 'ordered';
    const list = ordered ? this.script.replies : this.script.replies[request.purpose];
    const reply = list?.shift();
    if (reply === undefined) {
      const consumed = ordered ? this.initialCounts.ordered : (this.initialCounts.keyed[request.purpose] ?? 0);
      const scope = ordered ? 'the script' : `the script for purpose "${request.purpose}"`;
      throw new ScriptExhaustedError(
        `ScriptedLlm: ${scope} ran out after ${consumed} repl${consumed === 1 ? 'y' : 'ies'}; ` +
          `unexpected call #${this.calls.length} (purpose "${request.purpose}"), last message ${preview(request.messages)}`,
      );
    }
    return reply;
  }
}

function isKeyed(replies: readonly ScriptedReply[] | { readonly byPurpose: KeyedReplies }): replies is { readonly byPurpose: KeyedReplies } {
  return !Array.isArray(replies);
}

function copyKeyed(byPurpose: KeyedReplies): Partial<Record<LlmPurpose, ScriptedReply[]>> {
  const copy: Partial<Record<LlmPurpose, ScriptedReply[]>> = {};
  for (const [purpose, list] of Object.entries(byPurpose) as Array<[LlmPurpose, readonly ScriptedReply[]]>) copy[purpose] = [...list];
  return copy;
}

function estimateUsage(messages: readonly LlmMessage[], rawText: string): LlmUsage {
  const promptChars = messages.reduce((sum, message) => sum + message.content.length, 0);
  return { promptTokens: Math.max(1, Math.ceil(promptChars / 4)), completionTokens: Math.max(1, Math.ceil(rawText.length / 4)) };
}

function preview(messages: readonly LlmMessage[]): string {
  const last = messages[messages.length - 1]?.content ?? '';
  return JSON.stringify(last.length > 160 ? `${last.slice(0, 160)}…` : last);
}
