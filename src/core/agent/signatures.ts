import type { NormalizedAlert } from '../alert/schema';
import { normaliseText } from './action';
import type { SignatureAnswer } from './answers';

/**
 * Alert signatures for the conjecture test (digest §3.2). Snort-style alerts carry `[Classification: c] [Priority: p]`
 * (fast-alert lines) or `[pri=p cls=c]` (the digital twin's gateway log); either gives the key "c|p" with c
 * lower-cased and non-alphanumerics collapsed. Alerts without a pair give a name: Wazuh the rule's own description
 * (or id), since its category is every group of the rule joined; other formats (Suricata, Elastic) the rule
 * category, or the rule name when there is no category.
 */
// No `\s*` before a class that also matches spaces: `\s*([^\]]+)` split every run of blanks both ways, and a text
// of `[Classification:x` repeated had every opening scan to the end of the text (issue 9: 12 s on 272 KB). Here
// each part excludes `[` and `]`, so a failed attempt stops at the next bracket and the scan is linear; the
// spaces around the values are trimmed by pairKey.
const pairPattern = /\[Classification:([^[\]]+)\]\s*\[Priority:([^[\]]+)\]/gi;
// The digital twin's shape: priority first, the classification up to the closing bracket (same linear scan).
const twinPattern = /\[pri=(\d{1,3}) cls=([^[\]]+)\]/gi;

export type SignatureMode = 'pairs' | 'names';

export function pairKey(classification: string, priority: string | number): string {
  return `${normaliseText(classification)}|${String(priority).trim()}`;
}

function isWazuh(alert: NormalizedAlert): boolean {
  return alert.event.dataset === 'wazuh.alerts' || alert.observer?.vendor === 'Wazuh';
}

function nameOf(alert: NormalizedAlert): string | undefined {
  if (isWazuh(alert)) return alert.rule.name ?? (alert.rule.id === undefined ? undefined : `rule ${alert.rule.id}`);
  return alert.rule.category ?? alert.rule.name;
}

/** The signature keys of one alert: its classification/priority pairs, else its name (see above), else none. */
export function signatureKeysOf(alert: NormalizedAlert): string[] {
  const keys: string[] = [];
  for (const text of [alert.message, alert.event.original]) {
    for (const match of text.matchAll(pairPattern)) keys.push(pairKey(match[1] ?? '', match[2] ?? ''));
    for (const match of text.matchAll(twinPattern)) keys.push(pairKey(match[2] ?? '', match[1] ?? ''));
  }
  if (keys.length > 0) return [...new Set(keys)];
  const name = nameOf(alert);
  return name === undefined || normaliseText(name) === '' ? [] : [normaliseText(name)];
}

export function observedSignatures(alerts: readonly NormalizedAlert[]): Set<string> {
  const keys = new Set<string>();
  for (const alert of alerts) for (const key of signatureKeysOf(alert)) keys.add(key);
  return keys;
}

/** Pairs when the observed alerts carry classification/priority pairs; names otherwise. */
export function signatureMode(observed: ReadonlySet<string>): SignatureMode {
  return [...observed].some((key) => key.includes('|')) ? 'pairs' : 'names';
}

export function expectedKeys(answer: SignatureAnswer, mode: SignatureMode): string[] {
  const keys = answer.signatures.map((signature) =>
    mode === 'pairs' ? pairKey(signature.classification, signature.priority) : normaliseText(signature.classification),
  );
  return [...new Set(keys.filter((key) => key !== '' && key !== '|'))];
}

export interface PrecisionRecall {
  readonly precision: number;
  readonly recall: number;
}

/** precision = |P∩O|/|P|, recall = |P∩O|/|O|; both 0 when either set is empty. */
export function precisionRecall(predicted: Iterable<string>, observed: ReadonlySet<string>): PrecisionRecall {
  const unique = new Set(predicted);
  if (unique.size === 0 || observed.size === 0) return { precision: 0, recall: 0 };
  let hits = 0;
  for (const key of unique) if (observed.has(key)) hits += 1;
  return { precision: hits / unique.size, recall: hits / observed.size };
}

/** The twelve Snort classtypes of the reference evaluation, offered as vocabulary (not derived from the alerts). */
export const SnortClasstypes = [
  'a network trojan was detected',
  'attempted administrator privilege gain',
  'attempted denial of service',
  'attempted information leak',
  'attempted user privilege gain',
  'bad unknown',
  'misc activity',
  'policy violation',
  'potential corporate privacy violation',
  'potentially bad traffic',
  'trojan activity',
  'web application attack',
] as const;

export function signatureFormat(mode: SignatureMode): string {
  if (mode === 'pairs') {
    return (
      'Snort-style alerts. "classification" is a Snort classtype description, for example: ' +
      SnortClasstypes.join('; ') +
      '. "priority" is the Snort priority, 1 (most severe) to 4.'
    );
  }
  return (
    'SIEM alerts. "classification" is the rule category, or the rule name or description, the detector would give the alert ' +
    '(for example "Attempted Administrator Privilege Gain", "authentication failed", "web attack"); ' +
    '"priority" is 1 (most severe) to 4.'
  );
}
