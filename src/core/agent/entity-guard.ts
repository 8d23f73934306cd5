import { findIpv4 } from './evidence';
import type { ResponseAction } from './action';
import type { GuardVerdict, KnownEntities } from './types';

/**
 * An action may only name hosts, addresses and users that the evidence shows. IPs must match exactly (a model that
 * writes 10.0.0.7 for 10.0.0.17 is hallucinating, not abbreviating); other names match case-insensitively against
 * the collected entities or as a whole word of the alerts' text (messages, rule names, host names). The system
 * description is not evidence here: it lists what exists, not what the incident touched.
 */
export interface GuardEvidence {
  readonly entities: KnownEntities;
  /** Lower-cased alert text the names may also come from. */
  readonly text: string;
}

const ipv4WithPort = /^((?:\d{1,3}\.){3}\d{1,3})(?::\d{1,5})?$/;
const ipv6 = /^[0-9a-f]*:[0-9a-f:]*:[0-9a-f.]*$/i;
const cidr = /^[0-9a-f.:]+\/\d{1,3}$/i;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[a-z0-9]/.test(char);
}

/** True when `needle` occurs in `haystack` with no letter or digit directly before or after it. */
export function containsWord(haystack: string, needle: string): boolean {
  if (needle === '') return false;
  for (let index = haystack.indexOf(needle); index >= 0; index = haystack.indexOf(needle, index + 1)) {
    if (!isWordChar(haystack[index - 1]) && !isWordChar(haystack[index + needle.length])) return true;
  }
  return false;
}

function checkTarget(target: string, evidence: GuardEvidence, ips: ReadonlySet<string>): string | null {
  const value = target.trim();
  const lower = value.toLowerCase();
  const v4 = ipv4WithPort.exec(value);
  if (v4?.[1] !== undefined) return ips.has(v4[1]) ? null : `IP ${v4[1]} does not appear in the evidence`;
  if (cidr.test(value)) return containsWord(evidence.text, lower) ? null : `network range ${value} does not appear in the evidence`;
  if (ipv6.test(value)) return ips.has(lower) ? null : `IP ${value} does not appear in the evidence`;
  const names = [...evidence.entities.hosts, ...evidence.entities.users, ...evidence.entities.ips];
  if (names.some((name) => name.toLowerCase() === lower)) return null;
  return containsWord(evidence.text, lower) ? null : `"${value}" is not a host, IP or user seen in the evidence`;
}

export function checkEntities(action: ResponseAction, evidence: GuardEvidence): GuardVerdict {
  const ips = new Set(evidence.entities.ips.map((ip) => ip.toLowerCase()));
  const reasons: string[] = [];
  for (const target of action.targets) {
    const reason = checkTarget(target, evidence, ips);
    if (reason !== null) reasons.push(reason);
  }
  const targeted = new Set(action.targets.flatMap((target) => findIpv4(target)));
  for (const ip of findIpv4(action.description)) {
    if (!ips.has(ip) && !targeted.has(ip)) reasons.push(`the description names IP ${ip}, which does not appear in the evidence`);
  }
  const unique = [...new Set(reasons)];
  return { verdict: unique.length === 0 ? 'pass' : 'reject', reasons: unique };
}
