import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../../../src/adapters/sources/file-source';
import { runSession } from '../../../src/app/replay-session';
import { silentProgress } from '../../../src/core/ports/progress';
import { loadConfig } from '../../../src/config';
import { loadDataset } from '../../../src/eval/load-dataset';
import { runEval } from '../../../src/eval/run-eval';
import { writeResults } from '../../../src/eval/write-results';
import { silentLogger } from '../../../src/logger';
import { incidentFolder, scriptedModel } from '../replay/support/scripted-replay';

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
