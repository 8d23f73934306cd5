import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { judgeTrace } from '../../../src/core/eval/judge';
import { minimumActions, responseRequirements } from '../../../src/core/eval/requirements';
import { failureCost } from '../../../src/core/eval/run-metrics';
import { silentProgress } from '../../../src/core/ports/progress';
import { loadDataset, type EvalCase } from '../../../src/eval/load-dataset';
import { runEval, T_MAX, type EvalRun } from '../../../src/eval/run-eval';
import { silentLogger } from '../../../src/logger';

/**
 * The known-answer policies prove the harness on the bundled cases. Every expected figure is computed from the
 * reference plans and the ground truth, never copied from an output; no model is given (deps.llm absent).
 */
describe('known-answer policies on the bundled cases', () => {
  let outDir: string;
  let cases: EvalCase[];
  let runs: EvalRun[];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ira-known-'));
    cases = await loadDataset('bundled');
    const config = loadConfig({});
    const replay = () => Promise.reject(new Error('a policy must not replay through a model'));
    runs = await runEval(
      config,
      { cases, methods: ['oracle', 'no-op', 'playbook'], seeds: [1], budget: {}, outDir, judge: 'rules' },
      { replay, progress: silentProgress, logger: silentLogger, signal: new AbortController().signal },
    );
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  const run = (method: string, id: string) => runs.find((r) => r.method === method && r.incidentId === id)!;
  const incidents = () => cases.filter((item) => item.truth.incident);

  it('has a reference plan for every bundled case and at least one false positive', () => {
    for (const item of cases) expect(item.truth.response?.labelledBy).toMatch(/ira project/);
    expect(cases.some((item) => !item.truth.incident)).toBe(true);
  });

  it('reference plans are minimal: each recovers its case by the judge in exactly minimum actions', () => {
    for (const item of incidents()) {
      const plan = item.truth.response!.plan;
      const steps = plan.map((action, step) => ({ step, outcome: 'action' as const, action, usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0, latencyMs: 0 } }));
      const judged = judgeTrace(steps, item.truth);
      expect(judged.every((verdict) => verdict.effective)).toBe(true);
      expect(Object.values(judged.at(-1)!.stateAfter).every(Boolean)).toBe(true);
      expect(plan.length).toBe(minimumActions(responseRequirements(item.truth)));
    }
  });

  it('oracle scores exactly each case minimum and never fails', () => {
    for (const item of cases) {
      const metrics = run('oracle', item.id).metrics;
      expect(metrics.failed).toBe(false);
      expect(metrics.recoveryTime).toBe(item.truth.incident ? item.truth.response!.plan.length : 0);
      expect(metrics.recoveryTime).toBe(metrics.minimum);
    }
  });

  it('no-op fails every true incident (charged 2·T_max, more than the minimum) and handles every false positive', () => {
    for (const item of cases) {
      const metrics = run('no-op', item.id).metrics;
      if (item.truth.incident) {
        expect(metrics.failed).toBe(true);
        expect(metrics.missedIncident).toBe(true);
        expect(metrics.recoveryTime).toBe(failureCost(T_MAX));
        expect(metrics.recoveryTime).toBeGreaterThan(metrics.minimum);
      } else {
        expect(metrics.falsePositiveHandled).toBe(true);
        expect(metrics.failed).toBe(false);
      }
    }
  });

  it('playbook scores worse than oracle wherever the reference plan needs specific hosts', () => {
    for (const item of incidents()) {
      expect(item.truth.response!.plan.every((action) => action.targets.length > 0)).toBe(true);
      expect(run('playbook', item.id).metrics.recoveryTime).toBeGreaterThan(run('oracle', item.id).metrics.recoveryTime);
    }
  });

  it('a failure always costs more than the worst recovery within T_max', () => {
    const worstRecovery = 2 * (T_MAX - 1) + 1;
    expect(failureCost(T_MAX)).toBeGreaterThan(worstRecovery);
  });
});
