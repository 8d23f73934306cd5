import { err, ok, type Result } from '../result';
import { GroundTruth } from './ground-truth';

/**
 * Parses the ground-truth text of a digital-twin incident (`incident*.txt` in TaoLi-NYU/Agentic-Incident-Response-ESORICS26):
 * a prose description, then one labelled line each for tactics, techniques, attacker, system, targeted IPs and
 * recovery targets. Label lines are matched by their prefix, so the order of lines does not matter.
 */
const Labels = {
  tactics: /^MITRE ATT&CK tactics being used:\s*(.*)$/i,
  techniques: /^MITRE ATT&CK techniques being used:\s*(.*)$/i,
  attackers: /^Attacker IPs\/hostnames identified:\s*(.*)$/i,
  systems: /^System IPs\/hostnames identified:\s*(.*)$/i,
  targets: /^IPs\/hostnames targeted by the attack:\s*(.*)$/i,
  recoveryTargets: /^Recovery targets identified:\s*(.*)$/i,
} as const;
type Label = keyof typeof Labels;

const TECHNIQUE_ID = /\bT\d{4}(?:\.\d{3})?\b/g;

/** "10.0.2.11, 10.0.2.12." → ["10.0.2.11", "10.0.2.12"]: the sentence's final period is not part of the last name. */
function splitEntities(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim().replace(/\.$/, '').trim())
    .filter((item) => item.length > 0 && !/^none$/i.test(item));
}

function splitTactics(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim().replace(/\.$/, ''))
    .filter((item) => item.length > 0);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export function parseDigitalTwinIncident(id: string, text: string, provenance = ''): Result<GroundTruth, string> {
  const found: Partial<Record<Label, string>> = {};
  const prose: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    const label = (Object.keys(Labels) as Label[]).find((key) => Labels[key].test(line));
    if (label === undefined) {
      prose.push(line);
      continue;
    }
    found[label] = Labels[label].exec(line)?.[1] ?? '';
  }
  const missing = (['tactics', 'techniques', 'attackers', 'recoveryTargets'] as const).filter((key) => found[key] === undefined);
  if (missing.length > 0) return err(`${id}: ground truth lacks ${missing.join(', ')}`);
  const parsed = GroundTruth.safeParse({
    id,
    incident: true,
    description: prose.join('\n'),
    tactics: unique(splitTactics(found.tactics ?? '')),
    techniques: unique((found.techniques ?? '').match(TECHNIQUE_ID) ?? []),
    entities: {
      attackers: unique(splitEntities(found.attackers ?? '')),
      targets: unique(splitEntities(found.targets ?? '')),
      systems: unique(splitEntities(found.systems ?? '')),
    },
    recoveryTargets: unique(splitEntities(found.recoveryTargets ?? '')),
    provenance,
  });
  if (!parsed.success) return err(`${id}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return ok(parsed.data);
}
