import type { RunMetrics } from './run-metrics';

/** One run's metrics with what identifies it. */
export interface RunRecord {
  readonly method: string;
  readonly seed: number;
  readonly incidentId: string;
  readonly metrics: RunMetrics;
}

/** The figures reported per method; each is computed per seed, then summarised as mean ± std over seeds. */
export const SummaryMetrics = [
  'recoveryTime',
  'ineffectivePct',
  'failedPct',
  'abstentionPct',
  'falsePositiveHandledPct',
  'missedIncidentPct',
  'tacticPrecision',
  'tacticRecall',
  'techniquePrecision',
  'techniqueRecall',
  'entityGrounding',
  'targetPrecision',
  'recoveryTargetCoverage',
  'llmCallsPerStep',
  'tokensPerStep',
  'latencyMsPerStep',
] as const;
export type SummaryMetric = (typeof SummaryMetrics)[number];

export interface MeanStd {
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

export type MethodSummary = Readonly<Record<SummaryMetric, MeanStd | null>>;

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const meanOrNull = (values: readonly number[]): number | null => (values.length === 0 ? null : mean(values));
const pct = (part: number, whole: number): number | null => (whole === 0 ? null : (100 * part) / whole);
const sum = (runs: readonly RunMetrics[], pick: (run: RunMetrics) => number): number => runs.reduce((t, r) => t + pick(r), 0);

/** Sample standard deviation (n − 1); 0 for a single seed. */
export function meanStd(values: readonly number[]): MeanStd | null {
  if (values.length === 0) return null;
  const m = mean(values);
  const variance = values.length < 2 ? 0 : values.reduce((t, v) => t + (v - m) ** 2, 0) / (values.length - 1);
  return { mean: m, std: Math.sqrt(variance), n: values.length };
}

/**
 * One seed's figures for one method. Recovery figures pool the true incidents only; false-positive handling pools
 * the false-positive cases; abstention and cost figures pool every step of every run.
 */
export function seedFigures(runs: readonly RunMetrics[]): Record<SummaryMetric, number | null> {
  const real = runs.filter((run) => run.incident);
  const fp = runs.filter((run) => !run.incident);
  const steps = sum(runs, (run) => run.steps);
  const perStep = (pick: (run: RunMetrics) => number) => (steps === 0 ? null : sum(runs, (run) => pick(run) * run.steps) / steps);
  return {
    recoveryTime: meanOrNull(real.map((run) => run.recoveryTime)),
    ineffectivePct: pct(sum(real, (run) => run.ineffective), sum(real, (run) => run.actions)),
    failedPct: pct(real.filter((run) => run.failed).length, real.length),
    abstentionPct: pct(sum(runs, (run) => run.abstentions), steps),
    falsePositiveHandledPct: pct(fp.filter((run) => run.falsePositiveHandled === true).length, fp.length),
    missedIncidentPct: pct(real.filter((run) => run.missedIncident).length, real.length),
    tacticPrecision: meanOrNull(real.map((run) => run.tactics.precision)),
    tacticRecall: meanOrNull(real.map((run) => run.tactics.recall)),
    techniquePrecision: meanOrNull(real.map((run) => run.techniques.precision)),
    techniqueRecall: meanOrNull(real.map((run) => run.techniques.recall)),
    entityGrounding: meanOrNull(runs.map((run) => run.entityGrounding)),
    targetPrecision: meanOrNull(real.map((run) => run.targetPrecision)),
    recoveryTargetCoverage: meanOrNull(real.map((run) => run.recoveryTargetCoverage)),
    llmCallsPerStep: perStep((run) => run.llmCallsPerStep),
    tokensPerStep: perStep((run) => run.tokensPerStep),
    latencyMsPerStep: perStep((run) => run.latencyMsPerStep),
  };
}

/** mean ± std over seeds of each seed's figures, per method, in the order methods first appear. */
export function summarise(records: readonly RunRecord[]): Map<string, MethodSummary> {
  const byMethod = new Map<string, Map<number, RunMetrics[]>>();
  for (const record of records) {
    const seeds = byMethod.get(record.method) ?? new Map<number, RunMetrics[]>();
    seeds.set(record.seed, [...(seeds.get(record.seed) ?? []), record.metrics]);
    byMethod.set(record.method, seeds);
  }
  const summaries = new Map<string, MethodSummary>();
  for (const [method, seeds] of byMethod) {
    const perSeed = [...seeds.values()].map(seedFigures);
    const entries = SummaryMetrics.map((metric) => {
      const values = perSeed.map((figures) => figures[metric]).filter((value): value is number => value !== null);
      return [metric, meanStd(values)] as const;
    });
    summaries.set(method, Object.fromEntries(entries) as Record<SummaryMetric, MeanStd | null>);
  }
  return summaries;
}
