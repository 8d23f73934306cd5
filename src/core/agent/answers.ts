import { z } from 'zod';
import { ActionKind, ActionLimits } from './action';
import { AttackTactic } from './tactics';

/**
 * What the model must answer, per role. Every string and array is bounded: under a JSON grammar a small model never
 * closes an unbounded string, and the bounds also cap what attacker-steered output can put into our documents.
 * `reasoning` comes first so a model writing JSON token by token thinks before it commits to the fields; it is kept
 * short because every rollout step pays for it. The worst case of each schema must fit the call's token limit:
 * `maxTokens` (500) for states and actions, `analysisMaxTokens` (1024) for the incident analysis, which lists
 * entities and techniques (test/unit/agent/answer-bounds.test.ts checks both).
 */
const text = (max: number) => z.string().max(max);
const names = (maxItems: number, maxChars = 120) => z.array(z.string().min(1).max(maxChars)).max(maxItems);

export const StateAnswer = z.object({
  reasoning: text(160),
  contained: z.boolean(),
  assessed: z.boolean(),
  preserved: z.boolean(),
  evicted: z.boolean(),
  hardened: z.boolean(),
  restored: z.boolean(),
});
export type StateAnswer = z.infer<typeof StateAnswer>;

export const IncidentAnswer = z.object({
  reasoning: text(160),
  incident: z.boolean(),
  description: text(300),
  tactics: z.array(AttackTactic).max(6),
  techniques: names(6, 48),
  entities: z.object({ attackers: names(4, 64), systems: names(4, 64), targets: names(4, 64) }),
  state: StateAnswer.omit({ reasoning: true }),
});
export type IncidentAnswer = z.infer<typeof IncidentAnswer>;

export const ActionAnswer = z.object({
  reasoning: text(240),
  kind: ActionKind,
  targets: names(ActionLimits.targets, ActionLimits.targetChars),
  description: z.string().min(1).max(ActionLimits.descriptionChars),
});
export type ActionAnswer = z.infer<typeof ActionAnswer>;

export const SignatureAnswer = z.object({
  signatures: z
    .array(z.object({ classification: z.string().min(1).max(64), priority: z.number().int().min(1).max(4) }))
    .max(6),
});
export type SignatureAnswer = z.infer<typeof SignatureAnswer>;

export const RevisionAnswer = z.object({
  reasoning: text(300),
  tactics: z.array(AttackTactic).min(1).max(6),
  techniques: names(8, 60),
});
export type RevisionAnswer = z.infer<typeof RevisionAnswer>;
