import { summarise, type RunRecord } from './aggregate';

/**
 * The compact per-method summary `ira eval --json` prints: the combined figures (mean over seeds) and, per case, its
 * recovery time (mean over seeds), the case's minimum and whether it failed (on any seed; `failedSeeds` counts them).
 */
export interface CaseFigure {
  readonly case: string;
  readonly incident: boolean;
  readonly recoveryTime: number;
  readonly minimum: number;
  readonly failed: boolean;
  readonly failedSeeds: number;
  readonly seeds: number;
}

export interface MethodFigure {
  readonly name: string;
  /** Mean over seeds of the mean recovery time over true incidents (a failure charged 2·T_max); null without incidents. */
  readonly recoveryTime: number | null;
  readonly recoveryTimeStd: number | null;
  readonly failedPct: number | null;
  readonly missedIncidentPct: number | null;
  readonly falsePositiveHandledPct: number | null;
  readonly ineffectivePct: number | null;
  readonly cases: readonly CaseFigure[];
  /** With a judge model: % of the actions it read whose stages match the rule reading. */
  readonly judgeAgreementPct?: number | null;
}

export interface AgreementRecord extends RunRecord {
  readonly judgeAgreement?: { readonly actions: number; readonly agreed: number };
}

function caseFigures(runs: readonly RunRecord[]): CaseFigure[] {
  const byCase = new Map<string, RunRecord[]>();
  for (const run of runs) byCase.set(run.incidentId, [...(byCase.get(run.incidentId) ?? []), run]);
  return [...byCase].map(([id, list]) => {
    const failedSeeds = list.filter((run) => run.metrics.failed).length;
    const first = list[0]!.metrics;
    return {
      case: id,
      incident: first.incident,
      recoveryTime: list.reduce((total, run) => total + run.metrics.recoveryTime, 0) / list.length,
      minimum: first.minimum,
      failed: failedSeeds > 0,
      failedSeeds,
      seeds: list.length,
    };
  });
}

export function methodFigures(runs: readonly AgreementRecord[]): MethodFigure[] {
  const summaries = summarise(runs);
  return [...summaries].map(([name, summary]) => {
    const own = runs.filter((run) => run.method === name);
    const read = own.filter((run) => run.judgeAgreement !== undefined);
    const actions = read.reduce((total, run) => total + (run.judgeAgreement?.actions ?? 0), 0);
    const agreed = read.reduce((total, run) => total + (run.judgeAgreement?.agreed ?? 0), 0);
    return {
      name,
      recoveryTime: summary.recoveryTime?.mean ?? null,
      recoveryTimeStd: summary.recoveryTime?.std ?? null,
      failedPct: summary.failedPct?.mean ?? null,
      missedIncidentPct: summary.missedIncidentPct?.mean ?? null,
      falsePositiveHandledPct: summary.falsePositiveHandledPct?.mean ?? null,
      ineffectivePct: summary.ineffectivePct?.mean ?? null,
      cases: caseFigures(own),
      ...(read.length === 0 ? {} : { judgeAgreementPct: actions === 0 ? null : (100 * agreed) / actions }),
    };
  });
}
