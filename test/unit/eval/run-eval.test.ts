import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../../../src/adapters/sources/file-source';
import { runSession } from '../../../src/app/replay-session';
import { silentProgress } from '../../../src/core/ports/progress';
import { loadConfig } from '../../../src/config';
import { loadDataset } from '../../../src/eval/load-dataset';
import { runEval, type EvalRun } from '../../../src/eval/run-eval';
import { writeResults } from '../../../src/eval/write-results';
import { silentLogger } from '../../../src/logger';
import { incidentFolder, scriptedModel } from '../replay/support/scripted-replay';
import { ScriptedLlm } from '../../doubles/scripted-llm';

/**
 * The eval loop over methods × seeds on one bundled case with a scripted model: every run is a real offline replay
 * (its own documents and report), judged against the case's ground truth, summarised per method over seeds.
 */
describe('runEval', () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ira-eval-'));
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('runs each method on each seed, writes results.json and results.md with mean ± std per method', async () => {
    const config = loadConfig({ IRA_LLM_SEED: '7' });
    const cases = await loadDataset(incidentFolder);
    const llm = Object.assign(scriptedModel(), { close: () => Promise.resolve() });
    const runs = await runEval(
      config,
      { cases, methods: ['direct', 'ira'], seeds: [7, 8], budget: { candidates: 2, rollouts: 1, depth: 2, maxSteps: 2 }, outDir, judge: 'rules' },
      { replay: (folder, settings, io) => runSession(config, fileSource(folder), settings, io), llm, progress: silentProgress, logger: silentLogger, signal: new AbortController().signal },
    );
    expect(runs.map((run) => `${run.method}/${run.seed}`)).toEqual(['direct/7', 'ira/7', 'direct/8', 'ira/8']);
    for (const run of runs) {
      expect(run.error).toBeUndefined();
      expect(run.metrics.incident).toBe(true);
      expect(run.judged).toHaveLength(run.metrics.steps);
      expect(run.metrics.steps).toBe(2);
      expect(run.report).toMatch(/report\.html$/);
      // Costs are what the judge said: 1 or 2 per action, 1 per abstention.
      expect(run.judged.every((verdict) => [0, 1, 2].includes(verdict.cost))).toBe(true);
    }
    // The direct baseline forms no conjecture; ira's scripted perception names Credential Access (in the truth).
    expect(runs.find((run) => run.method === 'direct')!.metrics.tactics.precision).toBe(0);
    expect(runs.find((run) => run.method === 'ira')!.metrics.tactics.precision).toBeGreaterThan(0);
    const written = await writeResults(
      outDir,
      { dataset: 'test', model: 'scripted', provider: 'scripted', judge: 'rules', methods: ['direct', 'ira'], seeds: [7, 8], budgetName: 'demo', budget: { candidates: 2, maxSteps: 2 }, startedAt: 'a', finishedAt: 'b' },
      cases,
      runs,
    );
    expect(written.summaries.get('ira')?.recoveryTime?.n).toBe(2);
    const markdown = await readFile(written.markdown, 'utf8');
    expect(markdown).toMatch(/\| direct \| \d+\.\d\d ± \d+\.\d\d \|/);
    expect(markdown).toContain('## Runs');
    const json = JSON.parse(await readFile(written.json, 'utf8')) as { runs: unknown[]; summary: Record<string, unknown> };
    expect(json.runs).toHaveLength(4);
    expect(Object.keys(json.summary)).toEqual(['direct', 'ira']);
  });
});

describe('runEval: the compute-matched self-consistency baseline', () => {
  const budget = { candidates: 2, rollouts: 1, depth: 2, maxSteps: 2 };
  const action = (index: number) => (index % 3 === 0
    ? { reasoning: 'scripted', kind: 'analyse', targets: ['10.0.2.11'], description: `Review SSH logins on 10.0.2.11 (${index})` }
    : { reasoning: 'scripted', kind: 'block-ip', targets: ['10.0.1.11'], description: `Block 10.0.1.11 at the gateway (${index})` });
  const wide = () => ScriptedLlm.keyed({
    perceive: Array.from({ length: 10 }, () => ({
      reasoning: 'scripted',
      incident: true,
      description: 'SSH brute force from 10.0.1.11 against 10.0.2.11',
      tactics: ['Credential Access'],
      techniques: ['T1110.001'],
      entities: { attackers: ['10.0.1.11'], systems: [], targets: ['10.0.2.11'] },
      state: { contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false },
    })),
    'conjecture-test': Array.from({ length: 40 }, () => ({ signatures: [{ classification: 'Attempted Administrator Privilege Gain', priority: 1 }] })),
    'conjecture-revise': Array.from({ length: 10 }, () => ({ reasoning: 'scripted', tactics: ['Credential Access'], techniques: ['T1110'] })),
    'generate-action': Array.from({ length: 200 }, (_, index) => action(index)),
    'direct-plan': Array.from({ length: 200 }, (_, index) => action(index)),
    'predict-state': Array.from({ length: 200 }, () => ({ reasoning: 'scripted', contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false })),
  });
  const run = async (methods: ('ira' | 'self-consistency')[]) => {
    const config = loadConfig({ IRA_LLM_SEED: '7' });
    const cases = await loadDataset(incidentFolder);
    const llm = Object.assign(wide(), { close: () => Promise.resolve() });
    const outDir = await mkdtemp(join(tmpdir(), 'ira-eval-sc-'));
    try {
      return await runEval(
        config,
        { cases, methods, seeds: [7], budget, outDir, judge: 'rules' },
        { replay: (folder, settings, io) => runSession(config, fileSource(folder), settings, io), llm, progress: silentProgress, logger: silentLogger, signal: new AbortController().signal },
      );
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  };

  it('runs ira first and matches k to its measured calls per step on the same seed and case', async () => {
    const runs = await run(['self-consistency', 'ira']);
    expect(runs.map((item) => item.method)).toEqual(['ira', 'self-consistency']);
    const [planner, sampled] = runs as [EvalRun, EvalRun];
    const k = Math.max(1, Math.round(planner.metrics.llmCallsPerStep) - 2);
    expect(sampled.samples).toEqual({ k, source: 'measured', plannerCallsPerStep: planner.metrics.llmCallsPerStep });
    expect(sampled.error).toBeUndefined();
    // Step 1: analysis + k samples + commit; step 2 (no new alerts, the analysis is kept): k samples + commit.
    expect(sampled.metrics.steps).toBe(2);
    expect(sampled.metrics.llmCallsPerStep).toBe((k + 2 + (k + 1)) / 2);
  });

  it('without ira in the eval, takes k from the planner\'s call budget per step', async () => {
    const [sampled] = (await run(['self-consistency'])) as [EvalRun];
    const plannerBudget = 1 + budget.candidates + budget.candidates * budget.rollouts * (2 * budget.depth - 1) + 1;
    expect(sampled.samples).toEqual({ k: plannerBudget - 2, source: 'budget', plannerCallsPerStep: plannerBudget });
  });
});
