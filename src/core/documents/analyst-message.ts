import type { ActionKind, ResponseAction } from '../agent/action';
import { stagesOfKind } from '../agent/action-effects';
import type { RecoveryState, RecoveryStateField } from '../agent/recovery-state';
import type { AbstainCode, EvidenceLedger, KnownEntities } from '../agent/types';
import { isIpAddress } from '../alert/ip';

/**
 * The one-line `message` of a recommendation document, the first thing an analyst reads in Discover: what to do, to
 * what, the recovery stage it serves, and why (the evidence behind it). An abstention says what the analyst must
 * decide. Model text (the action's description) is kept on one line and clipped; nothing here is interpreted.
 */
export const MESSAGE_MAX_CHARS = 400;

/** The stage names of the message and of `ira.recovery_stage`: the verbs of the paper's six stages. */
export const RecoveryStageNames: Readonly<Record<RecoveryStateField, string>> = {
  contained: 'contain',
  assessed: 'assess',
  preserved: 'preserve',
  evicted: 'evict',
  hardened: 'harden',
  restored: 'restore',
};

const VERBS: Readonly<Record<ActionKind, string>> = {
  contain: 'Contain',
  'isolate-host': 'Isolate',
  'block-ip': 'Block',
  'disable-account': 'Disable account',
  analyse: 'Analyse',
  'collect-forensics': 'Collect forensics from',
  eradicate: 'Eradicate the attacker from',
  'kill-process': 'Kill the process on',
  'reset-credentials': 'Reset the credentials of',
  patch: 'Patch',
  harden: 'Harden',
  'restore-service': 'Restore service on',
  monitor: 'Monitor',
};

export const TargetTypes = ['ip', 'host', 'user', 'other'] as const;
export type TargetType = (typeof TargetTypes)[number];
export interface TypedTarget {
  readonly type: TargetType;
  readonly value: string;
}

const USER_KINDS: ReadonlySet<ActionKind> = new Set(['disable-account', 'reset-credentials']);
const HOST_KINDS: ReadonlySet<ActionKind> = new Set(['isolate-host', 'collect-forensics', 'eradicate', 'kill-process', 'patch', 'harden', 'restore-service']);

function has(list: readonly string[], value: string): boolean {
  const lower = value.toLowerCase();
  return list.some((item) => item.toLowerCase() === lower);
}

/** A target is an IP when it parses as one, else a user or host the evidence knows, else what its kind acts on. */
export function typeTarget(value: string, kind: ActionKind, known: KnownEntities): TypedTarget {
  if (isIpAddress(value)) return { type: 'ip', value };
  if (has(known.users, value) && !has(known.hosts, value)) return { type: 'user', value };
  if (has(known.hosts, value)) return { type: 'host', value };
  if (USER_KINDS.has(kind)) return { type: 'user', value };
  if (HOST_KINDS.has(kind)) return { type: 'host', value };
  return { type: 'other', value };
}

/** The first stage the kind advances that does not hold yet (or its first stage); undefined for `monitor`. */
export function servedStage(kind: ActionKind, state: RecoveryState): RecoveryStateField | undefined {
  const stages = stagesOfKind(kind);
  return stages.find((stage) => !state[stage]) ?? stages[0];
}

export function oneLine(text: string, max = MESSAGE_MAX_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * The most telling evidence for the targets: of the groups that name one of them (any group for an action without
 * targets), the most severe, then the largest. Names the targets it involves first, then up to two other parties.
 */
export function evidenceFor(targets: readonly string[], ledger: EvidenceLedger): string | undefined {
  const wanted = new Set(targets.map((target) => target.toLowerCase()));
  const parties = (group: EvidenceLedger['groups'][number]) => [...group.ips, ...group.hosts, ...group.users];
  const groups = ledger.groups.filter((group) => wanted.size === 0 || parties(group).some((value) => wanted.has(value.toLowerCase())));
  const best = [...groups].sort((a, b) => b.severity - a.severity || b.count - a.count || a.key.localeCompare(b.key))[0];
  if (best === undefined) return undefined;
  const all = parties(best);
  const named = all.filter((value) => wanted.has(value.toLowerCase()));
  const others = all.filter((value) => !wanted.has(value.toLowerCase())).slice(0, 2);
  const among = named.length + others.length > 0 ? ` involving ${[...named, ...others].join(', ')}` : '';
  return `${best.count} alert(s) "${best.rule}"${among}`;
}

export function actionMessage(action: ResponseAction, state: RecoveryState, ledger: EvidenceLedger): string {
  const stage = servedStage(action.kind, state);
  const targets = action.targets.length > 0 ? ` ${action.targets.join(', ')}` : '';
  const evidence = evidenceFor(action.targets, ledger);
  const why = evidence === undefined ? action.description : `${action.description.replace(/[.\s]+$/, '')}; evidence: ${evidence}`;
  return oneLine(`${VERBS[action.kind]}${targets} (${stage === undefined ? 'no stage' : RecoveryStageNames[stage]}): ${why}`);
}

/** What the analyst must decide when the agent does not act, per abstention code. */
const DECISIONS: Readonly<Record<AbstainCode, string>> = {
  recovered: 'confirm the incident is recovered and close it',
  'no-incident': 'confirm the alerts are benign and close the incident, or escalate it',
  inconsistent: 'the candidate plans disagree; choose the next response action yourself',
  'entity-guard': 'every proposed action named entities absent from the evidence; choose the targets yourself',
  'no-candidates': 'no response action could be scored; choose the next step yourself',
  'invalid-answer': 'the model gave no usable answer; choose the next step yourself',
  budget: 'the step ran out of its budget before it could decide; choose the next step or let the agent retry',
  disagreement: 'the agent and triage disagree on this incident; decide whether it is an attack',
  'llm-unavailable': 'the model could not be reached; the agent retries later, or triage the incident yourself meanwhile',
};

export function abstentionMessage(code: AbstainCode, reason: string): string {
  return oneLine(`Analyst decision needed (${code}): ${DECISIONS[code]}. Agent: ${reason}`);
}
