import { z } from 'zod';

/** The fourteen MITRE ATT&CK Enterprise tactics. A closed list keeps the conjecture comparable across steps and models. */
export const AttackTactics = [
  'Reconnaissance',
  'Resource Development',
  'Initial Access',
  'Execution',
  'Persistence',
  'Privilege Escalation',
  'Defense Evasion',
  'Credential Access',
  'Discovery',
  'Lateral Movement',
  'Collection',
  'Command and Control',
  'Exfiltration',
  'Impact',
] as const;
export const AttackTactic = z.enum(AttackTactics);
export type AttackTactic = z.infer<typeof AttackTactic>;

/** Unique tactics in ATT&CK order, so that two conjectures with the same tactics compare equal. */
export function canonicalTactics(tactics: readonly AttackTactic[]): AttackTactic[] {
  const present = new Set(tactics);
  return AttackTactics.filter((tactic) => present.has(tactic));
}

export function sameTactics(a: readonly AttackTactic[], b: readonly AttackTactic[]): boolean {
  const left = canonicalTactics(a);
  const right = canonicalTactics(b);
  return left.length === right.length && left.every((tactic, index) => tactic === right[index]);
}
