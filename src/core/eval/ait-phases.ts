import { z } from 'zod';
import { err, ok, type Result } from '../result';
import type { AttackPhase } from './ground-truth';

/**
 * AIT-LDS v1.1 attack phases (`attack_phases.json`, derived from upstream `attacktimes.py`): per scenario a map
 * phase → {start, end} in UTC. Phases come back in time order; labels (tactics/techniques) are attached from an
 * annotation, because upstream labels phases by tool name only.
 */
const Window = z.object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) });
const PhaseFile = z.record(z.string(), z.record(z.string(), Window));

export interface PhaseLabels {
  readonly tactics?: readonly string[];
  readonly techniques?: readonly string[];
}

export function parseAitPhases(
  json: unknown,
  scenario: string,
  labels: Readonly<Record<string, PhaseLabels>> = {},
): Result<AttackPhase[], string> {
  const parsed = PhaseFile.safeParse(json);
  if (!parsed.success) return err(`attack phases: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  const windows = parsed.data[scenario];
  if (windows === undefined) return err(`attack phases: no scenario '${scenario}' (have ${Object.keys(parsed.data).join(', ')})`);
  const phases = Object.entries(windows).map(([name, window]) => ({
    name,
    start: window.start,
    end: window.end,
    tactics: [...(labels[name]?.tactics ?? [])],
    techniques: [...(labels[name]?.techniques ?? [])],
  }));
  phases.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return ok(phases);
}

/** The phase whose half-open window [start, end) holds the instant, or undefined (background). */
export function phaseAt(phases: readonly AttackPhase[], timestamp: string): AttackPhase | undefined {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return undefined;
  return phases.find((phase) => Date.parse(phase.start) <= at && at < Date.parse(phase.end));
}

/** Phases with `alertCount` filled in from the alerts' timestamps. */
export function countAlertsPerPhase(phases: readonly AttackPhase[], timestamps: readonly string[]): AttackPhase[] {
  const counts = new Map<string, number>();
  for (const timestamp of timestamps) {
    const phase = phaseAt(phases, timestamp);
    if (phase !== undefined) counts.set(phase.name, (counts.get(phase.name) ?? 0) + 1);
  }
  return phases.map((phase) => ({ ...phase, alertCount: counts.get(phase.name) ?? 0 }));
}
