import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonStore } from '../../../src/adapters/store/ndjson-store';
import { fileSource } from '../../../src/adapters/sources/file-source';
import { stepRunner } from '../../../src/app/replay-session';
import { defaultAgentConfig } from '../../../src/config';
import type { LlmPort, LlmUsage } from '../../../src/core/ports/llm';
import type { Progress } from '../../../src/core/ports/progress';
import { indexNames } from '../../../src/core/ports/store';
import { silentLogger } from '../../../src/logger';
import { incidentFacts } from '../../../src/report/facts';
import { renderMarkdown } from '../../../src/report/markdown';
import type { ReplayReport } from '../../../src/report/model';
import { runReplay } from '../../../src/replay/run-replay';
import { estimateLeftMs, plannedCalls, stepProgressText } from '../../../src/replay/step-progress';
import { incidentFolder, scriptedModel } from './support/scripted-replay';

/**
 * Point 8 of issue 8: a replay a person can wait for. Inside a step the progress shows the calls of the budget, the
 * tokens and the time left; a step cut by the abort signal (SIGINT in the CLI) is reported with the calls, tokens
 * and candidates it had, not as "0 calls, 0 tokens".
 */
interface Run {
  readonly report: ReplayReport;
  readonly labels: string[];
  readonly spent: { calls: number; tokens: number };
}

/** The scripted model behind a counter that aborts the replay once `abortAfter` calls have answered. */
async function replay(abortAfter: number | null, method: 'planner' | 'direct' = 'planner'): Promise<Run> {
  const directory = await mkdtemp(join(tmpdir(), 'ira-interrupt-'));
  const store = await NdjsonStore.open({ directory });
  const controller = new AbortController();
  const inner = scriptedModel();
  const spent = { calls: 0, tokens: 0 };
  const llm: LlmPort = {
    model: inner.model,
    complete: async (request) => {
      const result = await inner.complete(request);
      const usage: LlmUsage = result.ok ? result.value.usage : result.error.usage;
      spent.calls += 1;
      spent.tokens += usage.promptTokens + usage.completionTokens;
      if (spent.calls === abortAfter) controller.abort(new Error('interrupted (SIGINT)'));
      return result;
    },
  };
  const labels: string[] = [];
  const progress: Progress = { update: (_done, _total, label) => labels.push(label), note: () => undefined, end: () => undefined };
  const config = defaultAgentConfig({ candidates: 2, rollouts: 2, depth: 3, rolloutConcurrency: 1 });
  let clock = Date.parse('2026-06-10T14:00:00Z');
  try {
    const report = await runReplay(
      {
        source: fileSource(incidentFolder),
        store,
        indices: indexNames('ira'),
        runner: stepRunner(llm, config, method, () => (clock += 1000)),
        model: llm.model,
        provider: 'scripted',
        method,
        mode: method,
        budget: { candidates: 2, rollouts: 2, depth: 3, maxSteps: 1, chunkSize: 500, maxLlmCallsPerStep: config.budgets.maxLlmCalls, stepTimeoutMs: 600_000 },
        maxIncidents: 1,
        triage: { windowMs: 3_600_000 },
        triageBatchSize: 2000,
        contextChars: 3000,
        output: directory,
        now: () => new Date(clock),
        progress,
        logger: silentLogger,
      },
      controller.signal,
    );
    return { report, labels, spent };
  } finally {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
}

describe('a step cut by the abort signal', () => {
  it.each([1, 4, 7])('reports the %i call(s) and the tokens it spent', async (k) => {
    const { report, spent } = await replay(k);
    const incident = report.incidents[0]!;
    expect(incident.stopReason).toBe('aborted');
    expect(incident.recommendations).toHaveLength(1);
    const cut = incident.recommendations[0]!;
    expect(spent.calls).toBe(k);
    expect(cut.usage.llmCalls).toBe(k);
    expect(cut.usage.promptTokens + cut.usage.completionTokens).toBe(spent.tokens);
    expect(cut.decision).toMatchObject({ kind: 'abstain', code: 'budget' });
    expect(cut.budgetExhausted).toMatch(/^interrupted: /);
    expect(cut.mode).toBe('planner');
    // The report's figures are the step's: k calls, not "0 calls, 0 tokens".
    expect(incidentFacts(incident)).toMatchObject({ steps: 1, llmCalls: k, tokens: spent.tokens });
    expect(renderMarkdown(report)).toContain(`LLM: ${k} calls, ${spent.tokens} tokens`);
  });

  it('keeps the candidates planning had screened, unscored', async () => {
    // perceive, conjecture test, two candidates: the abort falls in the rollouts.
    const { report } = await replay(5);
    const cut = report.incidents[0]!.recommendations[0]!;
    expect(cut.candidates.map((item) => item.action.kind).sort()).toEqual(['analyse', 'block-ip']);
    expect(cut.candidates.every((item) => item.q === null)).toBe(true);
    expect(cut.decision.kind === 'abstain' && cut.decision.reason).toMatch(/after 5 of \d+ LLM calls, \d+ tokens; 2 candidate\(s\), unscored/);
  });

  it('names the direct baseline when its step is cut', async () => {
    const { report } = await replay(1, 'direct');
    const cut = report.incidents[0]!.recommendations[0]!;
    expect(cut).toMatchObject({ mode: 'direct', usage: { llmCalls: 1 } });
  });
});

describe('progress inside a step', () => {
  it('labels each call with the calls of the budget, the tokens and the time left', async () => {
    const { report, labels } = await replay(null);
    const incident = report.incidents[0]!;
    const calls = incident.recommendations[0]!.usage.llmCalls;
    const inside = labels.filter((label) => label.startsWith('incident 1/1 step 1: '));
    // One label when each call starts and one when it ends.
    expect(inside).toHaveLength(2 * calls);
    // Of the calls N=2, M=2, H=3 can make at most (4 + 2 + 2·2·5 = 26); no estimate before the first answer.
    expect(calls).toBeLessThanOrEqual(26);
    expect(inside[0]).toBe('incident 1/1 step 1: 1/26 calls, 0 tokens');
    expect(inside[1]).toMatch(/^incident 1\/1 step 1: 1\/26 calls, [0-9.]+k? tokens, ~\d+[smh]/);
    expect(inside.at(-1)).toMatch(new RegExp(`: ${calls}/26 calls, [0-9.]+k? tokens, ~\\d+[smh]`));
  });

  it('estimates the time left from the mean time per answered call, capped by the time budget', () => {
    const usage = { llmCalls: 10, promptTokens: 40_000, completionTokens: 1_200, callsByPurpose: {} };
    const budgets = { maxLlmCalls: 40, maxTokens: 1e6, timeoutMs: 600_000 };
    const reading = { usage, answered: 10, budgets, elapsedMs: 50_000 };
    expect(estimateLeftMs(reading)).toBe(150_000);
    expect(estimateLeftMs({ ...reading, budgets: { ...budgets, timeoutMs: 100_000 } })).toBe(50_000);
    // A call in flight counts as half done.
    expect(estimateLeftMs({ ...reading, usage: { ...usage, llmCalls: 11 }, elapsedMs: 52_500 })).toBe(147_500);
    expect(estimateLeftMs({ ...reading, usage: { ...usage, llmCalls: 1 }, answered: 0 })).toBeNull();
    expect(stepProgressText(reading)).toBe('10/40 calls, 41k tokens, ~3m left');
    // With the planned calls (fewer than the call budget) as the total, until retries pass them.
    expect(stepProgressText(reading, 20)).toBe('10/20 calls, 41k tokens, ~50s left');
    expect(stepProgressText({ ...reading, usage: { ...usage, llmCalls: 21 }, answered: 21 }, 20)).toMatch(/^21\/40 calls/);
  });

  it("plans the planner's calls from N, M and H within the call budget", () => {
    expect(plannedCalls({ candidates: 2, rollouts: 2, depth: 3, maxLlmCallsPerStep: 200 }, 'planner')).toBe(26);
    expect(plannedCalls({ candidates: 3, rollouts: 3, depth: 10, maxLlmCallsPerStep: 200 }, 'planner')).toBe(178);
    expect(plannedCalls({ candidates: 3, rollouts: 3, depth: 10, maxLlmCallsPerStep: 14 }, 'planner')).toBe(14);
    expect(plannedCalls({ candidates: 2, rollouts: 2, depth: 3, maxLlmCallsPerStep: 200 }, 'direct')).toBe(200);
  });
});
