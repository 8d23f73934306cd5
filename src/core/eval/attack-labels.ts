/**
 * Canonical forms of ATT&CK labels for comparison: models write tactics as names ("Command and Control"), short
 * names ("command-and-control") or ids ("TA0011"), and techniques with or without a sub-technique.
 */
const TACTICS: ReadonlyArray<readonly [id: string, shortName: string]> = [
  ['TA0043', 'reconnaissance'],
  ['TA0042', 'resource-development'],
  ['TA0001', 'initial-access'],
  ['TA0002', 'execution'],
  ['TA0003', 'persistence'],
  ['TA0004', 'privilege-escalation'],
  ['TA0005', 'defense-evasion'],
  ['TA0006', 'credential-access'],
  ['TA0007', 'discovery'],
  ['TA0008', 'lateral-movement'],
  ['TA0009', 'collection'],
  ['TA0011', 'command-and-control'],
  ['TA0010', 'exfiltration'],
  ['TA0040', 'impact'],
];
const byId = new Map(TACTICS.map(([id, shortName]) => [id, shortName]));

/** "Command and Control", "command_and_control", "TA0011" → "command-and-control"; unknown names are slugged as-is. */
export function canonicalTactic(label: string): string {
  const trimmed = label.trim();
  const id = /^TA\d{4}$/i.exec(trimmed)?.[0]?.toUpperCase();
  if (id !== undefined) return byId.get(id) ?? id;
  return trimmed
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** "t1110.001 Brute Force: Password Guessing" → "T1110.001"; undefined when the label holds no technique id. */
export function canonicalTechnique(label: string): string | undefined {
  return /\bT\d{4}(?:\.\d{3})?\b/i.exec(label)?.[0]?.toUpperCase();
}

/**
 * A predicted technique matches a labelled one when the ids are equal or one is the parent of the other
 * (T1110 ~ T1110.001): the model naming the right technique without the right sub-technique still named the right
 * behaviour. Two different sub-techniques of one parent do not match.
 */
export function techniquesMatch(predicted: string, labelled: string): boolean {
  if (predicted === labelled) return true;
  return labelled.startsWith(`${predicted}.`) || predicted.startsWith(`${labelled}.`);
}
