/**
 * How far along the kill chain an ATT&CK (Enterprise) tactic sits, 0..1. Later stages mean more damage is done or
 * imminent, so they weigh more in the alert score: reconnaissance 0.1 … exfiltration 0.95, impact 1.0. Discovery sits
 * low (internal scanning is common and usually benign); credential access and privilege escalation sit in the middle;
 * lateral movement, command and control, collection and exfiltration high. Tactics this table does not know (ICS,
 * Mobile, typos) count as NEUTRAL_STAGE, i.e. as if the alert carried no tactic at all.
 */
const STAGES: ReadonlyArray<readonly [id: string, name: string, weight: number]> = [
  ['TA0043', 'Reconnaissance', 0.1],
  ['TA0042', 'Resource Development', 0.15],
  ['TA0007', 'Discovery', 0.3],
  ['TA0001', 'Initial Access', 0.45],
  ['TA0002', 'Execution', 0.5],
  ['TA0003', 'Persistence', 0.55],
  ['TA0005', 'Defense Evasion', 0.55],
  ['TA0004', 'Privilege Escalation', 0.6],
  ['TA0006', 'Credential Access', 0.6],
  ['TA0009', 'Collection', 0.7],
  ['TA0008', 'Lateral Movement', 0.8],
  ['TA0011', 'Command and Control', 0.8],
  ['TA0010', 'Exfiltration', 0.95],
  ['TA0040', 'Impact', 1],
];

/** Stage weight of an alert with no known tactic: about initial access — neither discounted nor boosted. */
export const NEUTRAL_STAGE = 0.4;

interface Stage {
  readonly name: string;
  readonly weight: number;
}

const BY_KEY = new Map<string, Stage>();
for (const [id, name, weight] of STAGES) {
  BY_KEY.set(tacticKey(id), { name, weight });
  BY_KEY.set(tacticKey(name), { name, weight });
}

/** "Command and Control", "command_and_control", "TA0011" all map to the same key. */
function tacticKey(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

export function tacticStage(value: string): number | undefined {
  return BY_KEY.get(tacticKey(value))?.weight;
}

/** ATT&CK's own name for a known tactic id or name (so "TA0006" and "credential_access" list once); else as given. */
export function canonicalTactic(value: string): string {
  return BY_KEY.get(tacticKey(value))?.name ?? value.trim();
}

/** The alert's tactics, canonical and deduplicated, ids and names together. */
export function alertTactics(tacticIds: readonly string[], tacticNames: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of [...tacticNames, ...tacticIds]) {
    const name = canonicalTactic(value);
    if (name !== '' && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The latest stage among the alert's tactic ids and names; NEUTRAL_STAGE when none is known. */
export function alertStage(tacticIds: readonly string[], tacticNames: readonly string[]): number {
  let best: number | undefined;
  for (const list of [tacticIds, tacticNames]) {
    for (const value of list) {
      const weight = tacticStage(value);
      if (weight !== undefined && (best === undefined || weight > best)) best = weight;
    }
  }
  return best ?? NEUTRAL_STAGE;
}
