import type { ResponseAction } from '../agent/action';
import type { GroundTruth } from './ground-truth';

/**
 * Known-answer policies: methods of `ira eval` that need no model and whose scores are known in advance, so they
 * prove the harness rather than the agent.
 *
 * - `oracle` plays the case's reference plan (reference-plan.json), then waits; on a false positive (empty plan) it
 *   answers "no incident". It must score exactly each case's minimum.
 * - `no-op` always answers "no incident": it must fail every true incident and handle every false positive.
 * - `playbook` plays one fixed generic five-action plan on the incident's first host (the first host the evidence
 *   names): it must score worse than the oracle wherever the reference plan needs specific hosts.
 */
export const PolicyMethods = ['oracle', 'no-op', 'playbook'] as const;
export type PolicyMethod = (typeof PolicyMethods)[number];

export type PolicyMove =
  | { readonly kind: 'act'; readonly action: ResponseAction }
  | { readonly kind: 'no-incident' }
  | { readonly kind: 'wait'; readonly reason: string };

export interface PolicyCase {
  readonly truth: GroundTruth;
  /** The first host the case's evidence names (see firstHost). */
  readonly firstHost: string | undefined;
}

/** Covers the six stages with five kinds when aimed right (reset-credentials evicts and hardens). */
const PlaybookKinds = ['isolate-host', 'analyse', 'collect-forensics', 'reset-credentials', 'restore-service'] as const;

export function playbookPlan(host: string): ResponseAction[] {
  return PlaybookKinds.map((kind) => ({ kind, targets: [host], description: `playbook: ${kind} on ${host}` }));
}

/** The policy's move at `step` (0-based). */
export function policyMove(method: PolicyMethod, item: PolicyCase, step: number): PolicyMove {
  switch (method) {
    case 'no-op':
      return { kind: 'no-incident' };
    case 'oracle': {
      const plan = item.truth.response?.plan;
      if (plan === undefined) return { kind: 'wait', reason: 'the case has no reference plan' };
      if (plan.length === 0) return { kind: 'no-incident' };
      const action = plan[step];
      return action === undefined ? { kind: 'wait', reason: 'reference plan done' } : { kind: 'act', action };
    }
    case 'playbook': {
      if (item.firstHost === undefined) return { kind: 'wait', reason: 'the evidence names no host' };
      const action = playbookPlan(item.firstHost)[step];
      return action === undefined ? { kind: 'wait', reason: 'playbook done' } : { kind: 'act', action };
    }
  }
}

interface HostFields {
  readonly destination: { readonly ip?: string | undefined };
  readonly host: { readonly name?: string | undefined };
  readonly source: { readonly ip?: string | undefined };
}

/** The first host of an incident: of the first alert, the destination address, else the host name, else the source. */
export function firstHost(alerts: readonly HostFields[]): string | undefined {
  for (const alert of alerts) {
    const host = alert.destination.ip ?? alert.host.name ?? alert.source.ip;
    if (host !== undefined && host !== '') return host;
  }
  return undefined;
}
