import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as NodeLlamaCpp from 'node-llama-cpp' with { 'resolution-mode': 'import' };
import type { Config } from '../../config';
import { ErrorCodes, IraError } from '../../errors';
import type { JsonSchema } from '../../core/llm/json-schema';
import { toJsonSchema } from '../../core/llm/json-schema';
import { parseAnswer } from '../../core/llm/parse-answer';
import type { LlmMessage, LlmPort, LlmRequest, LlmResult, LlmUsage } from '../../core/ports/llm';
import type { Logger } from '../../logger';
import { silentLogger } from '../../logger';
import { throwIfAborted } from '../../retry';
import { linkDeadline } from '../../deadline';
import { toGrammarSchema } from './gbnf-schema';
import { importEsm } from './import-esm';
import { Semaphore } from './semaphore';

/**
 * LlmPort running a GGUF model in process with node-llama-cpp 3.22 (CPU only; design.md "Known gotchas").
 *
 * The library is loaded lazily on the first call, so installs without it (or without a model) still start. The
 * context's sequences are kept between calls: each call takes the free sequence whose state shares the longest token
 * prefix with its prompt, and node-llama-cpp evaluates only the tokens after that prefix (LlamaChat aligns the
 * sequence with `adaptStateToTokens`). The number of sequences bounds concurrency. A prompt that does not fit the
 * context with its answer budget is refused before anything is evaluated (the library would otherwise shift the
 * prompt's start out). The answer is constrained by a grammar made from the request's JSON Schema and then validated
 * by zod like any other adapter's.
 */
export interface EmbeddedLlmOptions {
  readonly modelPath: string;
  /** Tokens per sequence; set explicitly, the library's default is the model's whole training context. */
  readonly contextSize: number;
  readonly timeoutMs: number;
  /** Parallel calls (one sequence each). On 2 cores, 1 is as fast in total and uses half the memory. */
  readonly sequences?: number;
  /**
   * Evaluation threads. Default: all cores but one, at least 1. llama.cpp's threads spin while they wait for each
   * other, so with more threads than free cores one token can take seconds instead of milliseconds (measured on the
   * 2-core machine while other services ran: 1 thread 30 tok/s, 2 threads under 1 tok/s).
   */
  readonly threads?: number;
  /**
   * Default true: a call reuses the longest token prefix a free sequence already holds. False: each call starts
   * from an empty sequence and evaluates its whole prompt (`npm run bench:agent`'s planner-no-reuse, the baseline of
   * what prefix reuse saves).
   */
  readonly reusePrefix?: boolean;
  /** Name reported in results; defaults to the file name without `.gguf`. */
  readonly modelName?: string;
  readonly logger?: Logger;
}

type Lib = typeof NodeLlamaCpp;

interface Loaded {
  readonly lib: Lib;
  readonly llama: NodeLlamaCpp.Llama;
  readonly model: NodeLlamaCpp.LlamaModel;
  readonly context: NodeLlamaCpp.LlamaContext;
  readonly chatWrapper: NodeLlamaCpp.ChatWrapper;
  /** Sequences not in use; each keeps the state of its last call. */
  readonly free: NodeLlamaCpp.LlamaContextSequence[];
}

interface Generation {
  readonly text: string;
  readonly reasoning: string | undefined;
  readonly stopReason: string;
  readonly usage: LlmUsage;
}

export class EmbeddedLlm implements LlmPort {
  readonly model: string;
  private readonly options: EmbeddedLlmOptions;
  private readonly logger: Logger;
  private readonly gate: Semaphore;
  private readonly grammars = new WeakMap<JsonSchema, Promise<NodeLlamaCpp.LlamaGrammar>>();
  private loading: Promise<Loaded> | undefined;
  private closed = false;

  constructor(options: EmbeddedLlmOptions) {
    this.options = options;
    this.model = options.modelName ?? basename(options.modelPath).replace(/\.gguf$/i, '');
    this.logger = (options.logger ?? silentLogger).child({ component: 'embedded-llm', model: this.model });
    this.gate = new Semaphore(options.sequences ?? 1);
  }

  async complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>> {
    const started = performance.now();
    throwIfAborted(request.signal, 'LLM call');
    const schema = toJsonSchema(request.schema);
    return this.gate.run(request.signal, async () => {
      const loaded = await this.load();
      const grammar = await this.grammar(loaded, schema);
      const generation = await this.generate(loaded, grammar, request);
      return parseAnswer(request.schema, generation.text, {
        usage: generation.usage,
        latencyMs: Math.round(performance.now() - started),
        model: this.model,
        reasoning: generation.reasoning,
        truncated: generation.stopReason === 'maxTokens',
      });
    });
  }

  /** Loads library, model and context once; a failed load is forgotten so a later call can try again. */
  load(): Promise<Loaded> {
    if (this.closed) return Promise.reject(new IraError(ErrorCodes.internal, 'embedded LLM is closed'));
    this.loading ??= this.loadOnce().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  /** Frees the context, model and native library. Calls made afterwards fail. */
  async close(): Promise<void> {
    this.closed = true;
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    if (!loaded) return;
    await loaded.context.dispose();
    await loaded.model.dispose();
    await loaded.llama.dispose();
  }

  private async loadOnce(): Promise<Loaded> {
    const { modelPath } = this.options;
    await access(modelPath).catch((error: unknown) => {
      throw new IraError(
        ErrorCodes.modelUnavailable,
        `no GGUF model at ${modelPath}; run \`ira model pull\` or set IRA_EMBEDDED_MODEL_PATH`,
        { cause: error },
      );
    });
    const started = performance.now();
    try {
      const lib = await importEsm<Lib>('node-llama-cpp');
      const llama = await lib.getLlama({
        gpu: false,
        build: 'never',
        logLevel: lib.LlamaLogLevel.warn,
        logger: (level, message) => this.logger.debug('llama.cpp', { level, message: message.trim() }),
      });
      const model = await llama.loadModel({ modelPath });
      const sequences = this.options.sequences ?? 1;
      const context = await model.createContext({
        contextSize: this.options.contextSize,
        sequences,
        threads: this.options.threads ?? defaultThreads(),
      });
      const free = Array.from({ length: sequences }, () => context.getSequence());
      const chatWrapper = lib.resolveChatWrapper(model);
      this.logger.info('embedded model loaded', {
        modelPath,
        contextSize: context.contextSize,
        loadMs: Math.round(performance.now() - started),
      });
      return { lib, llama, model, context, chatWrapper, free };
    } catch (error) {
      throw new IraError(ErrorCodes.modelUnavailable, `cannot load the embedded model ${modelPath}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  private grammar(loaded: Loaded, schema: JsonSchema): Promise<NodeLlamaCpp.LlamaGrammar> {
    let grammar = this.grammars.get(schema);
    if (!grammar) {
      const grammarSchema = toGrammarSchema(schema) as Parameters<NodeLlamaCpp.Llama['createGrammarForJsonSchema']>[0];
      grammar = loaded.llama.createGrammarForJsonSchema(grammarSchema) as Promise<NodeLlamaCpp.LlamaGrammar>;
      grammar.catch(() => this.grammars.delete(schema));
      this.grammars.set(schema, grammar);
    }
    return grammar;
  }

  private async generate<T>(loaded: Loaded, grammar: NodeLlamaCpp.LlamaGrammar, request: LlmRequest<T>): Promise<Generation> {
    const { history, prompt } = toChatHistory(request.messages);
    const tokens = promptTokens(loaded, history, prompt);
    const contextSize = loaded.context.contextSize;
    if (tokens.length + request.maxTokens > contextSize) {
      throw new IraError(
        ErrorCodes.llmRejected,
        `prompt of ${tokens.length} tokens and ${request.maxTokens} answer tokens do not fit the embedded context of ${contextSize}; not sent`,
      );
    }
    const deadline = linkDeadline(request.signal, this.options.timeoutMs);
    const sequence = takeSequence(loaded.free, tokens);
    if (this.options.reusePrefix === false) await sequence.clearHistory();
    const before = { input: sequence.tokenMeter.usedInputTokens, output: sequence.tokenMeter.usedOutputTokens };
    const session = new loaded.lib.LlamaChatSession({ contextSequence: sequence, chatWrapper: loaded.chatWrapper, autoDisposeSequence: false });
    let healthy = true;
    try {
      session.setChatHistory(history);
      const meta = await session.promptWithMeta(prompt, {
        grammar,
        temperature: request.temperature,
        topP: request.topP,
        maxTokens: request.maxTokens,
        signal: deadline.signal,
        stopOnAbortSignal: false,
        ...(request.seed === undefined ? {} : { seed: request.seed }),
      });
      const meter = sequence.tokenMeter;
      return {
        text: meta.responseText,
        reasoning: thoughts(meta.response),
        stopReason: meta.stopReason,
        usage: {
          promptTokens: tokens.length,
          evaluatedPromptTokens: meter.usedInputTokens - before.input,
          completionTokens: meter.usedOutputTokens - before.output,
        },
      };
    } catch (error) {
      healthy = false;
      throw this.translate(error, request.signal.aborted, deadline.timedOut());
    } finally {
      deadline.dispose();
      session.dispose({ disposeSequence: false });
      // A failed call may leave a half-evaluated state; the next call starts that sequence from scratch.
      if (!healthy) await sequence.clearHistory().catch(() => undefined);
      loaded.free.push(sequence);
    }
  }

  private translate(error: unknown, callerAborted: boolean, timedOut: boolean): IraError {
    if (IraError.isInstance(error)) return error;
    if (callerAborted) return new IraError(ErrorCodes.aborted, 'LLM call aborted', { cause: error });
    if (timedOut) {
      return new IraError(
        ErrorCodes.llmUnavailable,
        `the embedded model did not finish within ${this.options.timeoutMs} ms; raise IRA_LLM_TIMEOUT_MS or lower maxTokens`,
        { cause: error },
      );
    }
    return new IraError(ErrorCodes.llmUnavailable, `embedded inference failed: ${messageOf(error)}`, { cause: error });
  }
}

/** The prompt as the chat template renders it, in tokens: what the sequence will hold before the answer. */
function promptTokens(loaded: Loaded, history: NodeLlamaCpp.ChatHistoryItem[], prompt: string): NodeLlamaCpp.Token[] {
  const chatHistory: NodeLlamaCpp.ChatHistoryItem[] = [...history, { type: 'user', text: prompt }, { type: 'model', response: [] }];
  return loaded.chatWrapper.generateContextState({ chatHistory }).contextText.tokenize(loaded.model.tokenizer);
}

/** The free sequence whose state shares the longest prefix with the prompt (the semaphore guarantees there is one). */
function takeSequence(free: NodeLlamaCpp.LlamaContextSequence[], tokens: NodeLlamaCpp.Token[]): NodeLlamaCpp.LlamaContextSequence {
  let best = 0;
  let bestShared = -1;
  free.forEach((sequence, index) => {
    const shared = sequence.compareContextTokens(tokens).firstDifferentIndex;
    if (shared > bestShared) {
      best = index;
      bestShared = shared;
    }
  });
  const [sequence] = free.splice(best, 1);
  if (sequence === undefined) throw new IraError(ErrorCodes.internal, 'no free context sequence');
  return sequence;
}

/** System messages and earlier turns become the session's history; the last message must be the user's prompt. */
export function toChatHistory(messages: readonly LlmMessage[]): { history: NodeLlamaCpp.ChatHistoryItem[]; prompt: string } {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'user') {
    throw new IraError(ErrorCodes.internal, 'an LLM request must end with a user message');
  }
  const history = messages.slice(0, -1).map((message): NodeLlamaCpp.ChatHistoryItem => {
    if (message.role === 'system') return { type: 'system', text: message.content };
    if (message.role === 'user') return { type: 'user', text: message.content };
    return { type: 'model', response: [message.content] };
  });
  return { history, prompt: last.content };
}

function thoughts(response: ReadonlyArray<unknown>): string | undefined {
  const text = response
    .map((item) => (isThought(item) ? item.text.trim() : ''))
    .filter(Boolean)
    .join('\n\n');
  return text || undefined;
}

function isThought(item: unknown): item is { text: string } {
  if (typeof item !== 'object' || item === null) return false;
  const record = item as Record<string, unknown>;
  return record['type'] === 'segment' && record['segmentType'] === 'thought' && typeof record['text'] === 'string';
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** By shape, not `instanceof`: under jest the library's errors come from another realm (see import-esm.ts). */
function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

export function createEmbeddedLlm(config: Config['llm'], modelPath: string, logger?: Logger): EmbeddedLlm {
  return new EmbeddedLlm({
    modelPath,
    contextSize: config.contextSize,
    timeoutMs: config.timeoutMs,
    ...(config.threads === undefined ? {} : { threads: config.threads }),
    ...(logger ? { logger } : {}),
  });
}
