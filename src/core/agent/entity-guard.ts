import { findIpv4 } from './evidence';
import type { ResponseAction } from './action';
import type { GuardVerdict, KnownEntities } from './types';

/**
 * An action may only name hosts, addresses and users that a structured entity field of the evidence shows
 * (collectEntities: host name and IPs, source and destination IP, user name). IPs must match exactly (a model that
 * writes 10.0.0.7 for 10.0.0.17 is hallucinating, not abbreviating); names match case-insensitively, code point
 * for code point (no Unicode folding: a Cyrillic 'о' or a full-width digit is a different name). Free text —
 * messages, rule names, user agents, URLs, command lines — never makes a target, whatever it mentions: it is written
 * by whoever triggers the alert. The system description is not evidence either: it lists what exists, not what the
 * incident touched.
 */
export interface GuardEvidence {
  readonly entities: KnownEntities;
  /** Alert text. Not used to accept a target (see above); callers may still pass it. */
  readonly text?: string;
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

function checkTarget(target: string, ips: ReadonlySet<string>, names: ReadonlySet<string>): string | null {
  const value = target.trim();
  const lower = value.toLowerCase();
  const v4 = ipv4WithPort.exec(value);
  if (v4?.[1] !== undefined) return ips.has(v4[1]) ? null : `IP ${v4[1]} does not appear in the evidence`;
  if (cidr.test(value)) return `network range ${value} is not an address an alert's entity fields show`;
  if (ipv6.test(value)) return ips.has(lower) ? null : `IP ${value} does not appear in the evidence`;
  return names.has(lower) ? null : `"${value}" is not a host, IP or user seen in the evidence`;
}

export function checkEntities(action: ResponseAction, evidence: GuardEvidence): GuardVerdict {
  const ips = new Set(evidence.entities.ips.map((ip) => ip.toLowerCase()));
  const { hosts, users } = evidence.entities;
  const names = new Set([...hosts, ...users, ...evidence.entities.ips].map((name) => name.toLowerCase()));
  const reasons: string[] = [];
  for (const target of action.targets) {
    const reason = checkTarget(target, ips, names);
    if (reason !== null) reasons.push(reason);
  }
  const targeted = new Set(action.targets.flatMap((target) => findIpv4(target)));
  for (const ip of findIpv4(action.description)) {
    if (!ips.has(ip) && !targeted.has(ip)) reasons.push(`the description names IP ${ip}, which does not appear in the evidence`);
  }
  const unique = [...new Set(reasons)];
  return { verdict: unique.length === 0 ? 'pass' : 'reject', reasons: unique };
}
