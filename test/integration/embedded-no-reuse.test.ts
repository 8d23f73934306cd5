// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { EmbeddedLlm } from '../../src/adapters/llm/embedded-llm';
import { resolveModelPath } from '../../src/adapters/model/resolve-model-path';
import type { LlmUsage } from '../../src/core/ports/llm';

/**
 * The embedded adapter's prefix-reuse switch (EmbeddedLlmOptions.reusePrefix), which `npm run bench:agent`'s
 * planner-no-reuse variant uses: off, every call evaluates its whole prompt, so the bench's evaluated-token baseline
 * is real. Against the pinned SmolLM2 GGUF (fetched when not cached; the test fails if it cannot be had).
 */
const modelDir = process.env.IRA_TEST_MODEL_DIR ?? join(process.env.IRA_CACHE ?? join(process.env.HOME ?? tmpdir(), '.cache', 'ira'), 'models');

const Answer = z.object({ severity: z.enum(['low', 'high']), summary: z.string().min(1).max(60) });
const head = 'Evidence: 45 failed SSH logins for root from 203.0.113.7 on web-01, then one success. '.repeat(12);

async function twoCalls(llm: EmbeddedLlm): Promise<[LlmUsage, LlmUsage]> {
  const ask = async (tail: string): Promise<LlmUsage> => {
    const result = await llm.complete({
      purpose: 'perceive',
      messages: [{ role: 'system', content: 'You are a SOC analyst. Reply with one JSON object.' }, { role: 'user', content: `${head}\n${tail}` }],
      schema: Answer,
      temperature: 0.6,
      topP: 0.9,
      seed: 31,
      maxTokens: 60,
      signal: new AbortController().signal,
    });
    return result.ok ? result.value.usage : result.error.usage;
  };
  return [await ask('Triage it.'), await ask('Triage it again, briefly.')];
}

describe('EmbeddedLlm reusePrefix', () => {
  it('evaluates the whole prompt of every call when off, only the new tail when on', async () => {
    const { path: modelPath } = await resolveModelPath({ modelDir }, { fetchIfMissing: true });
    const off = new EmbeddedLlm({ modelPath, contextSize: 2048, timeoutMs: 120_000, reusePrefix: false });
    const on = new EmbeddedLlm({ modelPath, contextSize: 2048, timeoutMs: 120_000 });
    try {
      const [, second] = await twoCalls(off);
      const [, reused] = await twoCalls(on);
      process.stdout.write(`embedded reusePrefix: off ${JSON.stringify(second)}, on ${JSON.stringify(reused)}\n`);
      expect(second.promptTokens).toBeGreaterThan(250);
      // All of it but at most one token (measured: 444 of 445; node-llama-cpp's meter does not count the first).
      expect(second.evaluatedPromptTokens).toBeGreaterThanOrEqual(second.promptTokens - 1);
      expect(reused.promptTokens).toBe(second.promptTokens);
      expect(reused.evaluatedPromptTokens).toBeLessThan(reused.promptTokens / 5);
    } finally {
      await off.close();
      await on.close();
    }
  });
});
