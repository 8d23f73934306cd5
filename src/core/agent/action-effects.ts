import type { ActionKind } from './action';
import { RecoveryStateFields, RecoveryStateGloss, type RecoveryStateField } from './recovery-state';

/**
 * What a response action achieves: the one definition shared by the evaluator's judge (src/core/eval/judge.ts) and
 * the agent's world model (its state-prediction prompt can carry `actionEffectsText()`). An action kind advances a
 * recovery stage only when it is aimed at the right thing:
 *
 * - `attacker`: an attacker's address or host (blocking every attacker cuts the attack off every host at once);
 * - `host`: a compromised host (a recovery target);
 * - `foothold:<kind>`: what the attacker holds on a compromised host — a valid account, planted code or files, or a
 *   running session or process — named by its host or by its own name;
 * - `weakness:<kind>`: what let the attacker in on a host — a weak or stolen credential, vulnerable software, or an
 *   insecure configuration — named by its host.
 */
export const FootholdKinds = ['account', 'code', 'session'] as const;
export type FootholdKind = (typeof FootholdKinds)[number];
export const WeaknessKinds = ['credential', 'software', 'configuration'] as const;
export type WeaknessKind = (typeof WeaknessKinds)[number];

export type EffectAim = 'attacker' | 'host' | `foothold:${FootholdKind}` | `weakness:${WeaknessKind}`;

export type ActionEffect = Readonly<Partial<Record<RecoveryStateField, readonly EffectAim[]>>>;

export const ActionEffects: Readonly<Record<ActionKind, ActionEffect>> = {
  contain: { contained: ['attacker', 'host'] },
  'isolate-host': { contained: ['attacker', 'host'] },
  'block-ip': { contained: ['attacker'] },
  'disable-account': { evicted: ['foothold:account'] },
  analyse: { assessed: ['host'] },
  'collect-forensics': { preserved: ['host'] },
  eradicate: { evicted: ['foothold:code', 'foothold:session'] },
  'kill-process': { evicted: ['foothold:session'] },
  // A reset revokes the attacker's stolen credential and replaces the weak one.
  'reset-credentials': { evicted: ['foothold:account'], hardened: ['weakness:credential'] },
  patch: { hardened: ['weakness:software'] },
  harden: { hardened: ['weakness:configuration', 'weakness:credential'] },
  'restore-service': { restored: ['host'] },
  // Watching is not responding: monitoring advances no stage.
  monitor: {},
};

/** The stages a kind can advance, in the paper's order (empty for `monitor`). */
export function stagesOfKind(kind: ActionKind): RecoveryStateField[] {
  const effect = ActionEffects[kind];
  return RecoveryStateFields.filter((stage) => (effect[stage]?.length ?? 0) > 0);
}

/** The kinds that advance `stage` when aimed at `aim`. */
export function kindsFor(stage: RecoveryStateField, aim: EffectAim): ActionKind[] {
  return (Object.keys(ActionEffects) as ActionKind[]).filter((kind) => ActionEffects[kind][stage]?.includes(aim) === true);
}

const AimGloss: Readonly<Record<EffectAim, string>> = {
  attacker: "the attacker's address",
  host: 'a compromised host',
  'foothold:account': "an account the attacker uses",
  'foothold:code': 'code or files the attacker planted',
  'foothold:session': "the attacker's running session or process",
  'weakness:credential': 'a weak or stolen credential',
  'weakness:software': 'vulnerable software',
  'weakness:configuration': 'an insecure configuration',
};

/** One line per kind, for prompts and docs: "block-ip: contained (aimed at the attacker's address)". */
export function actionEffectsText(): string {
  return (Object.keys(ActionEffects) as ActionKind[])
    .map((kind) => {
      const effect = ActionEffects[kind];
      const parts = stagesOfKind(kind).map((stage) => `${stage} (aimed at ${(effect[stage] ?? []).map((aim) => AimGloss[aim]).join(' or ')})`);
      return `${kind}: ${parts.length === 0 ? 'no stage' : parts.join('; ')}`;
    })
    .join('\n');
}

/** The stage glossary beside the effects, so both read one definition. */
export const StageGloss = RecoveryStateGloss;
