import { z } from 'zod';

/**
 * The six-stage recovery state of arXiv 2508.05188 Def. 1, in the paper's order. A bit only ever goes false→true:
 * every combination goes through `mergeMonotone`, so a model that "forgets" a stage cannot move an incident back.
 */
export const RecoveryStateFields = ['contained', 'assessed', 'preserved', 'evicted', 'hardened', 'restored'] as const;
export type RecoveryStateField = (typeof RecoveryStateFields)[number];

export const RecoveryState = z.object({
  contained: z.boolean(),
  assessed: z.boolean(),
  preserved: z.boolean(),
  evicted: z.boolean(),
  hardened: z.boolean(),
  restored: z.boolean(),
});
export type RecoveryState = z.infer<typeof RecoveryState>;

/** What each bit means; the same wording goes into the prompts so the model and the analyst read one definition. */
export const RecoveryStateGloss: Readonly<Record<RecoveryStateField, string>> = {
  contained: 'the attack is isolated and can no longer spread or reach new systems',
  assessed: 'the scope and severity of the attack are known well enough to act on',
  preserved: 'forensic evidence (logs, memory, disk images) is captured and stored safely',
  evicted: 'attacker access is revoked and malicious code, accounts and processes are removed',
  hardened: 'the weakness that let the attack in is fixed so the same attack cannot recur',
  restored: 'affected services run normally again and users have their access back',
};

export const initialRecoveryState: RecoveryState = Object.freeze({
  contained: false,
  assessed: false,
  preserved: false,
  evicted: false,
  hardened: false,
  restored: false,
});

/** prev ∨ next, field by field. */
export function mergeMonotone(previous: RecoveryState, next: RecoveryState): RecoveryState {
  return {
    contained: previous.contained || next.contained,
    assessed: previous.assessed || next.assessed,
    preserved: previous.preserved || next.preserved,
    evicted: previous.evicted || next.evicted,
    hardened: previous.hardened || next.hardened,
    restored: previous.restored || next.restored,
  };
}

export function isTerminal(state: RecoveryState): boolean {
  return RecoveryStateFields.every((field) => state[field]);
}

/** How many bits went false→true from `from` to `to` (bits that went back are not counted: they cannot, after a merge). */
export function progress(from: RecoveryState, to: RecoveryState): number {
  return RecoveryStateFields.filter((field) => !from[field] && to[field]).length;
}

/** Fields set in `expected` but not in `observed`: what the last prediction claimed and the evidence does not show. */
export function missingFields(expected: RecoveryState, observed: RecoveryState): RecoveryStateField[] {
  return RecoveryStateFields.filter((field) => expected[field] && !observed[field]);
}

export function countSet(state: RecoveryState): number {
  return RecoveryStateFields.filter((field) => state[field]).length;
}
