import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarise, type MethodSummary } from '../core/eval/aggregate';
import { methodFigures, type MethodFigure } from '../core/eval/method-report';
import { summaryMarkdown } from '../core/eval/summary-table';
import { ErrorCodes, IraError } from '../errors';
import { escapeCell } from '../report/escape';
import type { EvalCase } from './load-dataset';
import type { EvalRun } from './run-eval';

/** results.json (every run, its verdicts and the summary) and results.md (the tables and one row per run). */
export interface EvalSettings {
  readonly dataset: string;
  readonly model: string;
  readonly provider: string;
  readonly judge: string;
  readonly methods: readonly string[];
  readonly seeds: readonly number[];
  readonly budgetName: string;
  readonly budget: Record<string, number>;
  readonly startedAt: string;
  readonly finishedAt: string;
}

function f(value: number, digits = 2): string {
  return value.toFixed(digits);
}

function runRows(runs: readonly EvalRun[]): string[] {
  const lines = [
    '| method | seed | case | recovered | recovery time | minimum | steps | actions | ineffective | unnecessary | abstained | tactic P/R | technique P/R | notes |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    const m = run.metrics;
    const k = run.samples === undefined ? '' : `k = ${run.samples.k} (${run.samples.source}, planner ${run.samples.plannerCallsPerStep.toFixed(1)} calls/step)`;
    const notes = [k, run.error ?? ''].filter((note) => note !== '').join('; ');
    lines.push(
      `| ${run.method} | ${run.seed} | ${run.incidentId} | ${m.incident ? (m.recovered ? 'yes' : 'no') : m.failed ? 'FP case, acted' : 'FP case, handled'} | ${m.recoveryTime} | ${m.minimum} | ${m.steps} | ${m.actions} | ${m.ineffective} | ${m.unnecessary} | ${m.abstentions} | ${f(m.tactics.precision)}/${f(m.tactics.recall)} | ${f(m.techniques.precision)}/${f(m.techniques.recall)} | ${escapeCell(notes)} |`,
    );
  }
  return lines;
}

export function resultsMarkdown(settings: EvalSettings, cases: readonly EvalCase[], runs: readonly EvalRun[], summaries: ReadonlyMap<string, MethodSummary>): string {
  const budget = Object.entries(settings.budget).map(([key, value]) => `${key}=${value}`).join(', ');
  return [
    `# ira eval: ${settings.dataset}`,
    '',
    `- model: ${settings.model} (${settings.provider}); judge: ${settings.judge}`,
    `- methods: ${settings.methods.join(', ')}; seeds: ${settings.seeds.join(', ')}`,
    `- budget: ${settings.budgetName} (${budget}); a failed run is charged 2·T_max = ${2 * (settings.budget['maxSteps'] ?? 0)}`,
    `- cases: ${cases.map((c) => `${c.id}${c.truth.incident ? '' : ' (false positive)'}`).join(', ')}`,
    `- ran ${settings.startedAt} → ${settings.finishedAt}`,
    '',
    'Each cell: mean ± std over seeds of the per-seed figure (rules: docs/evaluation.md).',
    '',
    summaryMarkdown(summaries),
    '## Runs',
    '',
    ...runRows(runs),
    '',
  ].join('\n');
}

export interface WrittenResults {
  readonly json: string;
  readonly markdown: string;
  readonly summaries: ReadonlyMap<string, MethodSummary>;
  readonly methods: readonly MethodFigure[];
}

export async function writeResults(outDir: string, settings: EvalSettings, cases: readonly EvalCase[], runs: readonly EvalRun[]): Promise<WrittenResults> {
  const summaries = summarise(runs);
  const methods = methodFigures(runs);
  const paths = { json: join(outDir, 'results.json'), markdown: join(outDir, 'results.md') };
  const json = {
    settings,
    cases: cases.map((c) => ({ id: c.id, folder: c.folder, truth: c.truth })),
    summary: Object.fromEntries(summaries),
    methods,
    runs,
  };
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(paths.json, JSON.stringify(json, null, 2) + '\n', 'utf8');
    await writeFile(paths.markdown, resultsMarkdown(settings, cases, runs, summaries), 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.internal, `cannot write eval results into ${outDir}`, { cause: error });
  }
  return { ...paths, summaries, methods };
}
