import { performance } from 'node:perf_hooks';
import { Ollama } from 'ollama';
import type { ChatRequest, ChatResponse, Options } from 'ollama';
import type { Config } from '../../config';
import { describeError } from '../../errors';
import type { JsonSchema } from '../../core/llm/json-schema';
import { toJsonSchema } from '../../core/llm/json-schema';
import { parseAnswer } from '../../core/llm/parse-answer';
import type { LlmPort, LlmRequest, LlmResult } from '../../core/ports/llm';
import type { Logger } from '../../logger';
import { silentLogger } from '../../logger';
import type { RetryPolicy } from '../../retry';
import { defaultRetryPolicy, throwIfAborted, withRetry } from '../../retry';
import { linkDeadline } from '../../deadline';
import { translateOllamaError } from './ollama-errors';

/**
 * LlmPort over an Ollama server (ollama-js 0.6, non-streamed `/api/chat` with `format: <JSON Schema>`).
 *
 * ollama-js cannot cancel a non-streamed call by itself, so every call gets its own client whose `fetch` carries the
 * call's signal (caller's signal + per-attempt timeout). Retryable failures (connection refused, 5xx, timeouts) are
 * retried with backoff; a schema-invalid answer is returned as a value for the agent to handle.
 */
export type OllamaThink = 'auto' | boolean | 'low' | 'medium' | 'high';

export interface OllamaLlmOptions {
  readonly host: string;
  readonly model: string;
  /** num_ctx when the request names none. */
  readonly contextSize: number;
  /** Per attempt; a timeout is retryable. */
  readonly timeoutMs: number;
  /** 'auto' turns thinking on when the model lists the "thinking" capability (asked once per adapter). */
  readonly think?: OllamaThink;
  readonly keepAlive?: string | number;
  /** num_thread; unset leaves Ollama's choice (its physical core count). See EmbeddedLlmOptions.threads. */
  readonly threads?: number;
  readonly retry?: RetryPolicy;
  readonly logger?: Logger;
  /** Injectable for tests of the transport; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

export class OllamaLlm implements LlmPort {
  readonly model: string;
  private readonly options: OllamaLlmOptions;
  private readonly logger: Logger;
  private thinkingCapable: boolean | undefined;
  /** Ollama reloads the model whenever num_ctx changes, so it only ever grows (call-budget.ts rounds it up too). */
  private largestContext = 0;

  constructor(options: OllamaLlmOptions) {
    this.options = options;
    this.model = options.model;
    this.logger = (options.logger ?? silentLogger).child({ component: 'ollama-llm', model: options.model });
  }

  async complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>> {
    const started = performance.now();
    throwIfAborted(request.signal, 'LLM call');
    const format = toJsonSchema(request.schema);
    const response = await withRetry(() => this.chatOnce(request, format), {
      ...(this.options.retry ?? defaultRetryPolicy),
      signal: request.signal,
      onRetry: (error, attempt, delayMs) =>
        this.logger.warn('LLM call failed, retrying', { purpose: request.purpose, attempt, delayMs, error: describeError(error) }),
    });
    const latencyMs = Math.round(performance.now() - started);
    // prompt_eval_count is the whole prompt, cache hits included (Ollama 0.17 counts the prompt before it looks up its
    // cache), and eval_count includes the thinking. Ollama does not report the evaluated part, so it stays unset.
    const usage = { promptTokens: response.prompt_eval_count ?? 0, completionTokens: response.eval_count ?? 0 };
    const thinking = response.message.thinking;
    return parseAnswer(request.schema, response.message.content, {
      usage,
      latencyMs,
      model: this.model,
      reasoning: thinking,
      truncated: response.done_reason === 'length',
    });
  }

  /** One HTTP attempt, its own client and deadline; failures leave here as IraError. */
  private async chatOnce<T>(request: LlmRequest<T>, format: JsonSchema): Promise<ChatResponse> {
    const deadline = linkDeadline(request.signal, this.options.timeoutMs);
    const client = this.client(deadline.signal);
    try {
      const think = request.think ?? (await this.thinkSetting(client));
      // truncate/shift false: Ollama refuses a prompt longer than num_ctx instead of dropping its start (0.17 API).
      const body: ChatRequest & { stream: false; truncate: false; shift: false } = {
        model: this.options.model,
        messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
        format,
        options: this.sampling(request),
        stream: false,
        truncate: false,
        shift: false,
        ...(think === undefined ? {} : { think }),
        ...(this.options.keepAlive === undefined ? {} : { keep_alive: this.options.keepAlive }),
      };
      return await client.chat(body);
    } catch (error) {
      throw translateOllamaError(error, {
        host: this.options.host,
        model: this.options.model,
        callerAborted: request.signal.aborted,
        timedOut: deadline.timedOut(),
        timeoutMs: this.options.timeoutMs,
      });
    } finally {
      deadline.dispose();
    }
  }

  private client(signal: AbortSignal): Ollama {
    const baseFetch = this.options.fetch ?? fetch;
    const boundFetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
      baseFetch(input, { ...init, signal })) as typeof fetch;
    return new Ollama({ host: this.options.host, fetch: boundFetch });
  }

  private sampling<T>(request: LlmRequest<T>): Partial<Options> {
    this.largestContext = Math.max(this.largestContext, request.contextSize ?? this.options.contextSize);
    return {
      temperature: request.temperature,
      top_p: request.topP,
      num_ctx: this.largestContext,
      num_predict: request.maxTokens,
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      ...(this.options.threads === undefined ? {} : { num_thread: this.options.threads }),
    };
  }

  private async thinkSetting(client: Ollama): Promise<ChatRequest['think']> {
    const think = this.options.think ?? 'auto';
    if (think !== 'auto') return think;
    // Only a successful answer is cached: an in-flight lookup is not shared, so one call's abort cannot fail another.
    if (this.thinkingCapable === undefined) {
      const shown = await client.show({ model: this.options.model });
      this.thinkingCapable = (shown.capabilities ?? []).includes('thinking');
    }
    return this.thinkingCapable ? true : undefined;
  }
}

/** From the `llm` config section; `overrides` for settings the config does not carry yet (threads, think, retry). */
export function createOllamaLlm(config: Config['llm'], logger?: Logger, overrides: Partial<OllamaLlmOptions> = {}): OllamaLlm {
  return new OllamaLlm({
    host: config.ollama.host,
    model: config.ollama.model,
    contextSize: config.contextSize,
    timeoutMs: config.timeoutMs,
    ...(logger ? { logger } : {}),
    ...overrides,
  });
}
