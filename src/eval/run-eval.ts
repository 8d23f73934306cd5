import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isEvidenceFile, readAlertFile } from '../adapters/sources/file-source';
import type { ClosableLlm } from '../adapters/llm/create-llm';
import type { Progress } from '../core/ports/progress';
import type { Config } from '../config';
import type { RunRecord } from '../core/eval/aggregate';
import type { JudgedStep } from '../core/eval/judge';
import { JudgeAnswer, judgeMessages } from '../core/eval/llm-judge';
import { firstHost, PolicyMethods, type PolicyMethod } from '../core/eval/policies';
import type { NormalizedAlert } from '../core/alert/schema';
import { runMetrics } from '../core/eval/run-metrics';
import { matchedSamples, plannerCallBudget } from '../core/agent/self-consistency-step';
import type { EvalTrace } from '../core/eval/trace';
import type { LlmPort } from '../core/ports/llm';
import { describeError } from '../errors';
import type { Logger } from '../logger';
import { prepareRecords } from '../replay/prepare';
import { runIncident } from '../replay/run-incident';
import type { BudgetOverrides, Features, Method, SessionSettings } from '../replay/replay-settings';
import type { ReplayReport } from '../report/model';
import type { EvalCase } from './load-dataset';
import { liveJudge, type JudgeAgreement, type LiveJudge, type StageReader } from './live-judge';
import { policyRunner } from './policy-runner';
import { evidenceEntities, traceOf } from './trace-from-replay';

/**
 * `ira eval` without the CLI: every method × seed × case is one run, judged as it goes against the case's ground
 * truth (the run ends on the judge's state or at T_max steps) and turned into RunMetrics. Model methods are offline
 * replays (their own NDJSON documents and report under outDir/runs/); known-answer policies need no model.
 */
export const ModelMethods = ['ira', 'direct', 'self-consistency', 'no-planning', 'no-conjecture-test', 'no-adaptation'] as const;
export const EvalMethods = [...ModelMethods, ...PolicyMethods] as const;
export type EvalMethod = (typeof EvalMethods)[number];
export type ModelMethod = (typeof ModelMethods)[number];

/** The paper's step cap: a run that has not recovered after T_max steps has failed. */
export const T_MAX = 10;

export const isPolicy = (method: EvalMethod): method is PolicyMethod => (PolicyMethods as readonly string[]).includes(method);

export function methodSettings(method: ModelMethod): { method: Method; features?: Features } {
  switch (method) {
    case 'ira':
      return { method: 'planner' };
    case 'direct':
      return { method: 'direct' };
    case 'self-consistency':
      return { method: 'self-consistency' };
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

/**
 * How many action samples per step the self-consistency baseline drew (k) and where k came from: `measured` from the
 * planner's run (ira) on the same seed and case in this eval, or `budget` from the planner's call budget per step.
 */
export interface SampleCount {
  readonly k: number;
  readonly source: 'measured' | 'budget';
  /** The planner's LLM calls per step that k was matched to. */
  readonly plannerCallsPerStep: number;
}

export interface EvalRun extends RunRecord {
  readonly judged: readonly JudgedStep[];
  /** With --judge llm: actions the judge model read, and how many of them it read as the rule judge does. */
  readonly judgeAgreement?: JudgeAgreement;
  readonly report: string;
  readonly wallMs: number;
  readonly error?: string;
  /** Self-consistency only. */
  readonly samples?: SampleCount;
}

/** Replays one case folder (the composition root wires it to the same session as `ira replay`). */
export type ReplayCase = (
  folder: string,
  settings: SessionSettings,
  io: { readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal; readonly llm: ClosableLlm },
) => Promise<{ readonly report: ReplayReport; readonly written: { readonly html: string } }>;

export interface EvalDeps {
  readonly replay: ReplayCase;
  /** Absent when only known-answer policies run. */
  readonly llm?: ClosableLlm;
  readonly judgeLlm?: LlmPort;
  /** The judge model's answer budget (its thinking included). */
  readonly judgeMaxTokens?: number;
  readonly progress: Progress;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

async function caseEvidence(folder: string) {
  const names = (await readdir(folder)).filter(isEvidenceFile).sort();
  const records = (await Promise.all(names.map((name) => readAlertFile(join(folder, name))))).flat();
  return prepareRecords(records).alerts;
}

/** The judge model reads each action with the evaluator's state so far (see llm-judge.ts). */
function modelReader(item: EvalCase, judge: LlmPort, deps: EvalDeps, seed: number): StageReader {
  return async (action, before) => {
    const answer = await judge.complete({
      purpose: 'judge',
      messages: judgeMessages(item.truth, before, action),
      schema: JudgeAnswer,
      temperature: 0,
      topP: 1,
      seed,
      maxTokens: deps.judgeMaxTokens ?? 4096,
      signal: deps.signal,
    });
    return answer.ok ? answer.value.value.stages : undefined;
  };
}

function emptyTrace(): EvalTrace {
  return { incidentDetected: false, tactics: [], techniques: [], entities: { attackers: [], targets: [] }, evidenceEntities: [], steps: [] };
}

interface RunContext {
  readonly options: EvalOptions;
  readonly deps: EvalDeps;
  readonly config: Config;
  readonly maxSteps: number;
  /** The planner's LLM calls per step per seed and case, as measured by the ira runs so far (`${seed}/${case}`). */
  readonly plannerCalls: Map<string, number>;
  /** The planner's call budget per step under this eval's budget (plannerCallBudget). */
  readonly budgetCallsPerStep: number;
}

/**
 * k for self-consistency: the planner's measured calls per step on the same seed and case when this eval ran ira
 * first, otherwise the planner's call budget per step (self-consistency-step.ts), less the baseline's two own calls.
 */
export function sampleCount(measuredCallsPerStep: number | undefined, budgetCallsPerStep: number): SampleCount {
  const measured = measuredCallsPerStep !== undefined && measuredCallsPerStep > 0;
  const plannerCallsPerStep = measured ? measuredCallsPerStep : budgetCallsPerStep;
  return { k: matchedSamples(plannerCallsPerStep), source: measured ? 'measured' : 'budget', plannerCallsPerStep };
}

/** The planner's call budget per step with the eval's budget over the configuration (as replay-session resolves it). */
export function budgetCallsPerStep(config: Config, budget: BudgetOverrides): number {
  return plannerCallBudget({
    candidates: budget.candidates ?? config.agent.candidates,
    rollouts: budget.rollouts ?? config.agent.rollouts,
    depth: budget.depth ?? config.agent.depth,
    budgets: { maxLlmCalls: budget.maxLlmCallsPerStep ?? config.agent.maxLlmCallsPerStep },
  });
}

/** ira before self-consistency, so that k can be measured; otherwise the order asked for. */
export function orderMethods(methods: readonly EvalMethod[]): EvalMethod[] {
  const ordered = [...methods];
  const planner = ordered.indexOf('ira');
  const sampled = ordered.indexOf('self-consistency');
  if (planner > sampled && sampled >= 0) {
    ordered.splice(sampled, 1);
    ordered.splice(ordered.indexOf('ira') + 1, 0, 'self-consistency');
  }
  return ordered;
}

async function replayModel(context: RunContext, method: ModelMethod, seed: number, item: EvalCase, judge: LiveJudge, label: string, samples?: SampleCount) {
  const { options, deps } = context;
  const llm = deps.llm;
  if (llm === undefined) throw new Error(`method ${method} needs a model and none was given`);
  const progress: Progress = {
    update: (done, total, text) => deps.progress.update(done, total, `${label}: ${text}`),
    note: (message) => deps.progress.note(message),
    end: () => undefined,
  };
  const outDir = join(options.outDir, 'runs', method, `seed-${seed}`, item.id);
  const budget = { ...options.budget, maxSteps: context.maxSteps };
  const result = await deps.replay(
    item.folder,
    { outDir, toElasticsearch: false, budget, ...methodSettings(method), seed, maxIncidents: 1, stopRule: judge.stopRule, ...(samples === undefined ? {} : { samples: samples.k }) },
    { progress, logger: deps.logger, signal: deps.signal, llm },
  );
  return { report: result.written.html, incident: result.report.incidents[0] };
}

async function playPolicy(context: RunContext, method: PolicyMethod, item: EvalCase, alerts: readonly NormalizedAlert[], judge: LiveJudge) {
  const runner = policyRunner(method, { truth: item.truth, firstHost: firstHost(alerts) }, () => new Date());
  const chunkSize = context.options.budget.chunkSize ?? context.config.replay.chunkSize;
  const loop = await runIncident(item.id, alerts, runner, { maxSteps: context.maxSteps, chunkSize, stopRule: judge.stopRule }, {}, context.deps.signal);
  return { report: '', incident: { finalState: loop.state, recommendations: loop.recommendations, ...(loop.error === undefined ? {} : { error: loop.error }) } };
}

async function runOne(context: RunContext, method: EvalMethod, seed: number, item: EvalCase, label: string): Promise<EvalRun> {
  const { options, deps } = context;
  const started = Date.now();
  const alerts = await caseEvidence(item.folder);
  const judge = liveJudge(item.truth, options.judge === 'llm' && deps.judgeLlm !== undefined ? modelReader(item, deps.judgeLlm, deps, seed) : undefined);
  let trace: EvalTrace = { ...emptyTrace(), evidenceEntities: evidenceEntities(alerts) };
  let error: string | undefined;
  let report = '';
  const samples = method === 'self-consistency' ? sampleCount(context.plannerCalls.get(`${seed}/${item.id}`), context.budgetCallsPerStep) : undefined;
  try {
    const result = isPolicy(method) ? await playPolicy(context, method, item, alerts, judge) : await replayModel(context, method, seed, item, judge, label, samples);
    report = result.report;
    if (result.incident !== undefined) {
      trace = traceOf(result.incident, alerts);
      error = result.incident.error;
    }
  } catch (caught) {
    if (deps.signal.aborted) throw caught;
    error = describeError(caught);
    deps.logger.warn('eval-run-failed', { method, seed, case: item.id, error });
  }
  // Steps the stop rule did not see (a step that failed after its recommendation was written) are judged here.
  for (const step of trace.steps.slice(judge.verdicts.length)) await judge.observe(step);
  const judged = judge.verdicts.slice(0, trace.steps.length);
  const metrics = runMetrics(trace, item.truth, judged, context.maxSteps);
  if (method === 'ira' && error === undefined) context.plannerCalls.set(`${seed}/${item.id}`, metrics.llmCallsPerStep);
  return {
    method,
    seed,
    incidentId: item.id,
    metrics,
    judged,
    ...(options.judge === 'llm' ? { judgeAgreement: judge.agreement() } : {}),
    report,
    wallMs: Date.now() - started,
    ...(error === undefined ? {} : { error }),
    ...(samples === undefined ? {} : { samples }),
  };
}

/** All runs, seeds outermost (so an interrupted eval still covers every method); stops early when aborted. */
export async function runEval(config: Config, options: EvalOptions, deps: EvalDeps): Promise<EvalRun[]> {
  const runs: EvalRun[] = [];
  const total = options.methods.length * options.seeds.length * options.cases.length;
  const methods = orderMethods(options.methods);
  const plan = options.seeds.flatMap((seed) => methods.flatMap((method) => options.cases.map((item) => ({ seed, method, item }))));
  const maxSteps = options.budget.maxSteps ?? T_MAX;
  const context: RunContext = { options, deps, config, maxSteps, plannerCalls: new Map(), budgetCallsPerStep: budgetCallsPerStep(config, options.budget) };
  try {
    for (const { seed, method, item } of plan) {
      if (deps.signal.aborted) break;
      const label = `[${runs.length + 1}/${total}] ${method} seed ${seed} ${item.id}`;
      deps.progress.note(label);
      const run = await runOne(context, method, seed, item, label);
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
