import { incidentFacts, wallMs } from './facts';
import type { ReplayReport } from './model';

/** The machine-readable summary of a replay (`--json` on stdout, summary.json beside the report). */
export function replaySummary(report: ReplayReport, files: Readonly<Record<string, string>> = {}) {
  return {
    title: report.title,
    source: report.source,
    model: report.model,
    provider: report.provider,
    method: report.method,
    budget: report.budget,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    wallMs: wallMs(report),
    counts: report.counts,
    output: report.output,
    files,
    incidents: report.incidents.map((incident) => {
      const facts = incidentFacts(incident);
      return {
        id: incident.incident.id,
        alerts: incident.alertCount,
        evidence: (({ timeline: _timeline, timelineOmitted: _omitted, ...rest }) => rest)(incident.evidence),
        stopReason: incident.stopReason,
        ...(incident.error === undefined ? {} : { error: incident.error }),
        recoveryState: incident.finalState.recoveryState,
        ...facts,
        conjecture:
          incident.finalState.conjecture === null
            ? null
            : {
                version: incident.finalState.conjecture.version,
                tactics: incident.finalState.conjecture.tactics,
                techniques: incident.finalState.conjecture.techniques,
              },
        decisions: incident.recommendations.map((r) =>
          r.decision.kind === 'act'
            ? { step: r.step, kind: 'act' as const, action: r.decision.action }
            : { step: r.step, kind: 'abstain' as const, code: r.decision.code, reason: r.decision.reason },
        ),
      };
    }),
  };
}
export type ReplaySummary = ReturnType<typeof replaySummary>;
