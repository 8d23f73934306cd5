import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isEvidenceFile, readAlertFile } from '../adapters/sources/file-source';
import type { ClosableLlm } from '../adapters/llm/create-llm';
import type { Progress } from '../core/ports/progress';
import type { Config } from '../config';
import { classifyActionStages } from '../core/eval/action-stages';
import type { RunRecord } from '../core/eval/aggregate';
import { emptyStatus, judgeStep, judgeTrace, type JudgedStep } from '../core/eval/judge';
import { JudgeAnswer, judgeMessages } from '../core/eval/llm-judge';
import { runMetrics } from '../core/eval/run-metrics';
import type { EvalTrace } from '../core/eval/trace';
import type { LlmPort } from '../core/ports/llm';
import { describeError } from '../errors';
import type { Logger } from '../logger';
import { prepareRecords } from '../replay/prepare';
import type { BudgetOverrides, Features, Method, SessionSettings } from '../replay/replay-settings';
import type { ReplayReport } from '../report/model';
import type { EvalCase } from './load-dataset';
import { evidenceEntities, traceOf } from './trace-from-replay';

/**
 * `ira eval` without the CLI: every method × seed × case is one offline replay (its own NDJSON documents and report
 * under outDir/runs/), judged against the case's ground truth and turned into RunMetrics.
 */
export const EvalMethods = ['ira', 'direct', 'no-planning', 'no-conjecture-test', 'no-adaptation'] as const;
export type EvalMethod = (typeof EvalMethods)[number];

export function methodSettings(method: EvalMethod): { method: Method; features?: Features } {
  switch (method) {
    case 'ira':
      return { method: 'planner' };
    case 'direct':
      return { method: 'direct' };
    case 'no-planning':
      return { method: 'planner', features: { planning: false } };
    case 'no-conjecture-test':
      return { method: 'planner', features: { conjectureTest: false } };
    case 'no-adaptation':
      return { method: 'planner', features: { adaptation: false } };
  }
}

export interface EvalOptions {
  readonly cases: readonly EvalCase[];
  readonly methods: readonly EvalMethod[];
  readonly seeds: readonly number[];
  readonly budget: BudgetOverrides;
  readonly outDir: string;
  readonly judge: 'rules' | 'llm';
}

export interface EvalRun extends RunRecord {
  readonly judged: readonly JudgedStep[];
  readonly report: string;
  readonly wallMs: number;
  readonly error?: string;
}

/** Replays one case folder (the composition root wires it to the same session as `ira replay`). */
export type ReplayCase = (
  folder: string,
  settings: SessionSettings,
  io: { readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal; readonly llm: ClosableLlm },
) => Promise<{ readonly report: ReplayReport; readonly written: { readonly html: string } }>;

export interface EvalDeps {
  readonly replay: ReplayCase;
  readonly llm: ClosableLlm;
  readonly judgeLlm?: LlmPort;
  readonly progress: Progress;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

async function caseEvidence(folder: string) {
  const names = (await readdir(folder)).filter(isEvidenceFile).sort();
  const records = (await Promise.all(names.map((name) => readAlertFile(join(folder, name))))).flat();
  return prepareRecords(records).alerts;
}

/** The judge model reads each action in turn, with the evaluator's state so far (see llm-judge.ts). */
async function judgeWithModel(trace: EvalTrace, item: EvalCase, judge: LlmPort, config: Config, signal: AbortSignal): Promise<JudgedStep[]> {
  const judged: JudgedStep[] = [];
  let state = emptyStatus;
  for (const step of trace.steps) {
    let addressed = step.action === undefined ? [] : classifyActionStages(step.action);
    if (step.outcome === 'action' && step.action !== undefined) {
      const answer = await judge.complete({
        purpose: 'judge',
        messages: judgeMessages(item.truth, state, step.action),
        schema: JudgeAnswer,
        temperature: 0,
        topP: 1,
        seed: config.llm.seed,
        maxTokens: 200,
        signal,
      });
      // An unusable verdict falls back to the rule reading rather than failing the whole evaluation.
      if (answer.ok) addressed = answer.value.value.stages;
    }
    const verdict = judgeStep(step, state, item.truth, addressed);
    judged.push(verdict);
    state = verdict.stateAfter;
  }
  return judged;
}

function emptyTrace(): EvalTrace {
  return { incidentDetected: false, tactics: [], techniques: [], entities: { attackers: [], targets: [] }, evidenceEntities: [], steps: [] };
}

async function runOne(config: Config, options: EvalOptions, deps: EvalDeps, method: EvalMethod, seed: number, item: EvalCase, label: string): Promise<EvalRun> {
  const outDir = join(options.outDir, 'runs', method, `seed-${seed}`, item.id);
  const progress: Progress = {
    update: (done, total, text) => deps.progress.update(done, total, `${label}: ${text}`),
    note: (message) => deps.progress.note(message),
    end: () => undefined,
  };
  const started = Date.now();
  const alerts = await caseEvidence(item.folder);
  let trace: EvalTrace = { ...emptyTrace(), evidenceEntities: evidenceEntities(alerts) };
  let error: string | undefined;
  let report = '';
  try {
    const result = await deps.replay(
      item.folder,
      { outDir, toElasticsearch: false, budget: options.budget, ...methodSettings(method), seed, maxIncidents: 1 },
      { progress, logger: deps.logger, signal: deps.signal, llm: deps.llm },
    );
    report = result.written.html;
    const incident = result.report.incidents[0];
    if (incident !== undefined) {
      trace = traceOf(incident, alerts);
      error = incident.error;
    }
  } catch (caught) {
    if (deps.signal.aborted) throw caught;
    error = describeError(caught);
    deps.logger.warn('eval-run-failed', { method, seed, case: item.id, error });
  }
  const judged = options.judge === 'llm' && deps.judgeLlm !== undefined
    ? await judgeWithModel(trace, item, deps.judgeLlm, config, deps.signal)
    : judgeTrace(trace.steps, item.truth, (step) => (step.action === undefined ? [] : classifyActionStages(step.action)));
  return {
    method,
    seed,
    incidentId: item.id,
    metrics: runMetrics(trace, item.truth, judged),
    judged,
    report,
    wallMs: Date.now() - started,
    ...(error === undefined ? {} : { error }),
  };
}

/** All runs, seeds outermost (so an interrupted eval still covers every method); stops early when aborted. */
export async function runEval(config: Config, options: EvalOptions, deps: EvalDeps): Promise<EvalRun[]> {
  const runs: EvalRun[] = [];
  const total = options.methods.length * options.seeds.length * options.cases.length;
  const plan = options.seeds.flatMap((seed) => options.methods.flatMap((method) => options.cases.map((item) => ({ seed, method, item }))));
  try {
    for (const { seed, method, item } of plan) {
      if (deps.signal.aborted) break;
      const label = `[${runs.length + 1}/${total}] ${method} seed ${seed} ${item.id}`;
      deps.progress.note(label);
      const run = await runOne(config, options, deps, method, seed, item, label);
      // A run cut short by the abort is incomplete: it is not scored.
      if (!deps.signal.aborted) runs.push(run);
    }
  } catch (error) {
    if (!deps.signal.aborted) throw error;
  } finally {
    deps.progress.end();
  }
  return runs;
}
