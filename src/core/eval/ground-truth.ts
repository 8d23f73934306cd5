import { z } from 'zod';
import { ActionKind, ActionLimits } from '../agent/action';
import { FootholdKinds, WeaknessKinds } from '../agent/action-effects';

/** The six recovery stages in the paper's order (NDSS Def. 1); the evaluator keeps its own copy of the state. */
export const RecoveryStages = ['contained', 'assessed', 'preserved', 'evicted', 'hardened', 'restored'] as const;
export const RecoveryStage = z.enum(RecoveryStages);
export type RecoveryStage = z.infer<typeof RecoveryStage>;

const nonEmpty = z.string().min(1);

/** One action of a reference response plan: typed as the agent's actions are, so the judge reads both alike. */
export const ReferenceAction = z.object({
  kind: ActionKind,
  targets: z.array(nonEmpty).min(1).max(ActionLimits.targets),
  description: nonEmpty,
});
export type ReferenceAction = z.infer<typeof ReferenceAction>;

/** What the attacker holds on a compromised host (eviction removes it); `name` is e.g. the account. */
export const Foothold = z.object({
  host: nonEmpty,
  kind: z.enum(FootholdKinds),
  name: nonEmpty.optional(),
  evidence: nonEmpty,
});
export type Foothold = z.infer<typeof Foothold>;

/** What let the attacker in on a host (hardening fixes it). */
export const Weakness = z.object({
  host: nonEmpty,
  kind: z.enum(WeaknessKinds),
  evidence: nonEmpty,
});
export type Weakness = z.infer<typeof Weakness>;

/**
 * `reference-plan.json` beside a case: the response ground truth (footholds, weaknesses) and a reference plan, both
 * labelled by this project from the incident's description and stated as such in `labelledBy`. A false-positive case
 * has none of either: its reference plan is to do nothing.
 */
export const ResponseTruth = z.object({
  labelledBy: nonEmpty,
  footholds: z.array(Foothold).default([]),
  weaknesses: z.array(Weakness).default([]),
  plan: z.array(ReferenceAction).default([]),
});
export type ResponseTruth = z.infer<typeof ResponseTruth>;

/** A labelled attack phase: a time window and, where annotated, the ATT&CK labels that phase stands for. */
export const AttackPhase = z.object({
  name: nonEmpty,
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  tactics: z.array(nonEmpty).default([]),
  techniques: z.array(nonEmpty).default([]),
  /** How many of the dataset's alerts fall in the window (computed by the loader, for the report). */
  alertCount: z.number().int().nonnegative().optional(),
});
export type AttackPhase = z.infer<typeof AttackPhase>;

/**
 * Ground truth for one incident. `incident: false` marks a false-positive case: the right answer is no response
 * plan (abstain or "no incident"); every action on it is unnecessary.
 */
export const GroundTruth = z.object({
  id: nonEmpty,
  name: z.string().optional(),
  incident: z.boolean(),
  description: z.string().default(''),
  tactics: z.array(nonEmpty).default([]),
  techniques: z.array(nonEmpty).default([]),
  entities: z.object({
    attackers: z.array(nonEmpty).default([]),
    targets: z.array(nonEmpty).default([]),
    /** Hosts that belong to the defended system but were not attacked (not needed by any metric; kept for context). */
    systems: z.array(nonEmpty).default([]),
  }),
  recoveryTargets: z.array(nonEmpty).default([]),
  /**
   * Other names of a labelled entity (canonical name → aliases), e.g. "10.0.2.11" → ["server_ssh"]: an action that
   * names a host by its name rather than its address is judged the same.
   */
  aliases: z.record(nonEmpty, z.array(nonEmpty)).default({}),
  /** From reference-plan.json; without it the judge asks for one evicting and one hardening action per recovery target. */
  response: ResponseTruth.optional(),
  phases: z.array(AttackPhase).optional(),
  /** Where the labels come from (dataset, upstream file, who annotated) — shown in reports. */
  provenance: z.string().default(''),
});
export type GroundTruth = z.infer<typeof GroundTruth>;
export type GroundTruthInput = z.input<typeof GroundTruth>;
