// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { LongAnswer } from './helpers/long-answer';
import { OllamaLlm } from '../../src/adapters/llm/ollama-llm';
import type { OllamaLlmOptions } from '../../src/adapters/llm/ollama-llm';
import type { LlmRequest, LlmResult } from '../../src/core/ports/llm';
import { IraError } from '../../src/errors';

/**
 * The Ollama adapter against a real Ollama server (scripts/ollama.sh start + import-model). Endpoint and model from
 * IRA_TEST_OLLAMA_HOST / IRA_TEST_OLLAMA_MODEL. A missing server or model fails the suite in beforeAll; it is never
 * skipped.
 */
const host = process.env.IRA_TEST_OLLAMA_HOST ?? 'http://127.0.0.1:21434';
const model = process.env.IRA_TEST_OLLAMA_MODEL ?? 'ira-smollm2:135m';
// The server runs on this machine: leave a core to the test itself (Ollama's default spins on every core; see docs/llm.md).
const threads = Number(process.env.IRA_TEST_OLLAMA_THREADS ?? Math.max(1, availableParallelism() - 1));

const Triage = z.object({
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  summary: z.string().min(1).max(100),
  indicators: z.array(z.string().max(40)).max(3),
  escalate: z.boolean(),
});

const messages = [
  { role: 'system' as const, content: 'You are a SOC analyst. Reply with one JSON object.' },
  {
    role: 'user' as const,
    content: 'Alert: 45 failed SSH logins for root from 203.0.113.7 within 2 minutes on host web-01, then one success. Triage it.',
  },
];

function triageRequest(signal: AbortSignal, seed: number, maxTokens = 400): LlmRequest<z.infer<typeof Triage>> {
  return { purpose: 'perceive', messages, schema: Triage, temperature: 0.6, topP: 0.9, seed, maxTokens, signal };
}

function adapter(overrides: Partial<OllamaLlmOptions> = {}): OllamaLlm {
  return new OllamaLlm({
    host,
    model,
    contextSize: 2048,
    timeoutMs: 120_000,
    threads,
    retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
    ...overrides,
  });
}

const stats: Array<{ latencyMs: number; promptTokens: number; completionTokens: number; ok: boolean }> = [];
function record<T>(result: LlmResult<T>): void {
  const meta = result.ok ? result.value : result.error;
  stats.push({ latencyMs: meta.latencyMs, ...meta.usage, ok: result.ok });
}

async function serverModels(): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch(`${host}/api/tags`, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new Error(`Ollama is not reachable at ${host} (${String(error)}); start it with \`bash scripts/ollama.sh start\``);
  }
  const body = (await response.json()) as { models?: Array<{ name: string }> };
  return (body.models ?? []).map((entry) => entry.name);
}

describe(`OllamaLlm against ${host} (${model})`, () => {
  beforeAll(async () => {
    const models = await serverModels();
    if (!models.includes(model)) {
      throw new Error(`model ${model} is not on ${host} (has: ${models.join(', ') || 'none'}); run \`bash scripts/ollama.sh import-model\``);
    }
  });

  afterAll(() => {
    if (stats.length > 0) process.stdout.write(`ollama calls: ${JSON.stringify(stats)}\n`);
  });

  it('refuses a prompt longer than num_ctx instead of cutting its start (truncate: false), without retrying', async () => {
    const llm = adapter();
    const long = 'failed login from 203.0.113.7 on web-01; '.repeat(400);
    const started = Date.now();
    await expect(
      llm.complete({ ...triageRequest(new AbortController().signal, 1), contextSize: 1024, messages: [{ role: 'user', content: long }] }),
    ).rejects.toMatchObject({ code: 'IRA_LLM_REJECTED', message: expect.stringMatching(/longer than its num_ctx/) });
    process.stdout.write(`ollama prompt over num_ctx refused in ${Date.now() - started} ms\n`);
  });

  it('counts the whole prompt in prompt_eval_count, cache hits included', async () => {
    const llm = adapter();
    const first = await llm.complete({ ...triageRequest(new AbortController().signal, 41, 80), contextSize: 2048 });
    const second = await llm.complete({ ...triageRequest(new AbortController().signal, 41, 80), contextSize: 2048 });
    const [a, b] = [first, second].map((result) => (result.ok ? result.value : result.error));
    process.stdout.write(`ollama repeat: first ${JSON.stringify(a?.usage)} ${a?.latencyMs} ms, second ${JSON.stringify(b?.usage)} ${b?.latencyMs} ms\n`);
    expect(b?.usage.promptTokens).toBe(a?.usage.promptTokens);
    expect(b?.usage.evaluatedPromptTokens).toBeUndefined();
  });

  it('answers with schema-valid objects whose strings respect maxLength, with token usage', async () => {
    const llm = adapter();
    for (const seed of [1, 2, 3]) {
      const result = await llm.complete(triageRequest(new AbortController().signal, seed));
      record(result);
      if (!result.ok) throw new Error(`invalid answer: ${result.error.message}; raw: ${result.error.rawText}`);
      const { value, usage, latencyMs } = result.value;
      expect(Triage.safeParse(value).success).toBe(true);
      expect(value.summary.length).toBeLessThanOrEqual(100);
      value.indicators.forEach((indicator) => expect(indicator.length).toBeLessThanOrEqual(40));
      expect(usage.promptTokens).toBeGreaterThan(0);
      expect(usage.completionTokens).toBeGreaterThan(0);
      expect(usage.completionTokens).toBeLessThan(400); // bounded strings and arrays: the grammar closes the object before the limit
      expect(latencyMs).toBeGreaterThan(0);
      expect(result.value.model).toBe(model);
    }
  });

  it('stops a running call promptly when the signal aborts', async () => {
    const llm = adapter();
    const Essay = LongAnswer;
    const controller = new AbortController();
    const pending = llm.complete({
      ...triageRequest(controller.signal, 9, 2000),
      schema: Essay,
      messages: [{ role: 'user', content: 'Write a very long essay about firewalls, at least 3000 words.' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'IRA_ABORTED', retryable: false });
    const stopMs = Date.now() - abortedAt;
    process.stdout.write(`ollama abort took ${stopMs} ms\n`);
    expect(stopMs).toBeLessThan(1000);
  });

  it('rejects an already aborted request without calling the server', async () => {
    let fetched = 0;
    const counting: typeof fetch = (input, init) => {
      fetched++;
      return fetch(input, init);
    };
    const controller = new AbortController();
    controller.abort();
    await expect(adapter({ fetch: counting }).complete(triageRequest(controller.signal, 1))).rejects.toMatchObject({ code: 'IRA_ABORTED' });
    expect(fetched).toBe(0);
  });

  it('reports a model the server does not have as llmRejected (not retried), telling how to get it', async () => {
    let fetched = 0;
    const counting: typeof fetch = (input, init) => {
      fetched++;
      return fetch(input, init);
    };
    const missing = 'ira-no-such-model:1b';
    const error = await adapter({ model: missing, fetch: counting })
      .complete(triageRequest(new AbortController().signal, 1))
      .catch((thrown: unknown) => thrown);
    expect(IraError.isInstance(error) && error.code).toBe('IRA_LLM_REJECTED');
    expect((error as IraError).retryable).toBe(false);
    expect((error as Error).message).toContain(`ollama pull ${missing}`);
    expect(fetched).toBe(1);
  });

  it('turns its own per-attempt timeout into a retryable llmUnavailable after the retries', async () => {
    let fetched = 0;
    const counting: typeof fetch = (input, init) => {
      fetched++;
      return fetch(input, init);
    };
    const llm = adapter({ timeoutMs: 30, think: false, fetch: counting });
    const error = await llm.complete(triageRequest(new AbortController().signal, 1)).catch((thrown: unknown) => thrown);
    expect(IraError.isInstance(error) && error.code).toBe('IRA_LLM_UNAVAILABLE');
    expect((error as IraError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/did not answer within 30 ms/);
    expect(fetched).toBe(2);
  });

  it('reports an unreachable server as retryable llmUnavailable once the retries are spent', async () => {
    const llm = adapter({ host: `http://127.0.0.1:${await closedPort()}` });
    const error = await llm.complete(triageRequest(new AbortController().signal, 1)).catch((thrown: unknown) => thrown);
    expect(IraError.isInstance(error) && error.code).toBe('IRA_LLM_UNAVAILABLE');
    expect((error as IraError).retryable).toBe(true);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});

/** A local port nothing listens on (bound then released), so a connection is refused at once. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
