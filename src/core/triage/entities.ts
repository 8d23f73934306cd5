import type { NormalizedAlert } from '../alert/schema';

/**
 * Entities an alert can be correlated on, as index keys: `h:` host name, `i:` IP, `u:` user name (names lower-cased).
 * Values that identify nothing are never keys (they would glue every incident together):
 * - loopback, unspecified, broadcast, multicast and link-local IPs (not unique across machines or segments);
 * - placeholder names (`-`, `unknown`, `localhost` …) and generic accounts present on every machine (`root`,
 *   `SYSTEM`, `nobody` …) — a shared `root` says nothing about two hosts being in one attack;
 * - the host of a network-IDS alert that has a source or destination IP: there `host` is the sensor that saw the
 *   traffic, not a party to it, and one sensor sees everything;
 * - whatever the operator lists in TriageOptions.ignoreEntities (the SIEM manager, a known gateway).
 */
const PLACEHOLDERS = ['', '-', 'n/a', 'na', 'none', '(none)', 'null', 'unknown', 'localhost', 'localhost.localdomain'];
const GENERIC_USERS = [
  'root', 'system', 'nt authority\\system', 'local service', 'network service', 'nt authority\\local service',
  'nt authority\\network service', 'nobody', 'anonymous', 'daemon', 'www-data', 'guest',
];
const SENSOR_FORMATS = new Set<string>(['suricata-eve', 'snort', 'zeek-notice']);
const SENSOR_PRODUCTS = new Set<string>(['suricata', 'snort', 'zeek', 'bro']);

export interface EntityFilter {
  readonly ignored: ReadonlySet<string>;
}

export function entityFilter(extra: readonly string[] = []): EntityFilter {
  return { ignored: new Set([...PLACEHOLDERS, ...GENERIC_USERS, ...extra.map((v) => v.trim().toLowerCase())]) };
}

/** True for addresses shared by unrelated machines. String tests only: this runs for every alert. */
export function isNonUniqueIp(ip: string): boolean {
  if (ip.includes(':')) {
    const v6 = ip.toLowerCase();
    if (v6.startsWith('::ffff:')) return isNonUniqueIp(v6.slice(7));
    return v6 === '::' || v6 === '::1' || v6.startsWith('ff') || v6.startsWith('fe80:');
  }
  if (ip.startsWith('127.') || ip.startsWith('0.') || ip.startsWith('169.254.') || ip === '255.255.255.255') return true;
  const firstOctet = Number(ip.slice(0, ip.indexOf('.')));
  return firstOctet >= 224 && firstOctet <= 239;
}

/** The host fields name the sensor, not a party, when a network IDS reports a flow. */
export function hostIsSensor(alert: NormalizedAlert): boolean {
  if (alert.source.ip === undefined && alert.destination.ip === undefined) return false;
  const product = alert.observer?.product;
  return SENSOR_FORMATS.has(alert.ira.format) || (product !== undefined && SENSOR_PRODUCTS.has(product.toLowerCase()));
}

/** Most values of one kind (hosts, IPs, users) one alert contributes; the rest are counted as cut, not used. */
export const MAX_ENTITIES_PER_ALERT = 32;

export type EntityKind = 'host' | 'ip' | 'user';

export interface AlertEntities {
  /** Index keys usable for linking, deduplicated, in the order the alert lists them. */
  readonly keys: string[];
  /** The kind and display value of each key (same order as `keys`). */
  readonly kinds: EntityKind[];
  readonly values: string[];
  /** Display values for the incident (sensor and ignored values left out). */
  readonly hosts: string[];
  readonly ips: string[];
  readonly users: string[];
  /** Distinct linkable values left out by MAX_ENTITIES_PER_ALERT. */
  truncated: number;
}

/**
 * The alert's entities, linear in the number of values (one Set lookup each), at most MAX_ENTITIES_PER_ALERT per
 * kind: an alert listing 60,000 addresses costs 32 entries and a count, not 60,000 index entries.
 */
export function alertEntities(alert: NormalizedAlert, filter: EntityFilter): AlertEntities {
  const out: AlertEntities = { keys: [], kinds: [], values: [], hosts: [], ips: [], users: [], truncated: 0 };
  const seen = new Set<string>();
  const sensor = hostIsSensor(alert);
  // The flow's parties first: a flooded host.ip list cannot push source and destination out.
  if (alert.source.ip !== undefined) add(out, seen, 'ip', alert.source.ip, filter);
  if (alert.destination.ip !== undefined) add(out, seen, 'ip', alert.destination.ip, filter);
  if (!sensor) {
    if (alert.host.name !== undefined) add(out, seen, 'host', alert.host.name, filter);
    for (const ip of alert.host.ip ?? []) add(out, seen, 'ip', ip, filter);
  }
  if (alert.user.name !== undefined) add(out, seen, 'user', alert.user.name, filter);
  return out;
}

function add(out: AlertEntities, seen: Set<string>, kind: EntityKind, value: string, filter: EntityFilter): void {
  const key = keyFor(kind, value, filter);
  if (key === undefined || seen.has(key)) return;
  seen.add(key);
  const shown = kind === 'host' ? out.hosts : kind === 'ip' ? out.ips : out.users;
  if (shown.length >= MAX_ENTITIES_PER_ALERT) {
    out.truncated++;
    return;
  }
  out.keys.push(key);
  out.kinds.push(kind);
  out.values.push(value);
  shown.push(value);
}

/** The index key of a value listed on a stored incident (rebuilding the index on resume); undefined when ignored. */
export function keyFor(kind: 'host' | 'ip' | 'user', value: string, filter: EntityFilter): string | undefined {
  const lower = value.trim().toLowerCase();
  if (filter.ignored.has(lower)) return undefined;
  if (kind === 'ip') return lower === '' || isNonUniqueIp(lower) ? undefined : 'i:' + lower;
  return (kind === 'host' ? 'h:' : 'u:') + lower;
}

const SEP = '\u0001';

/** Exact-repeat signature: same rule, same parties. Format is included because rule ids are per product. */
export function signature(alert: NormalizedAlert): string {
  return (
    alert.ira.format + SEP + (alert.rule.id ?? '') + SEP + (alert.rule.name ?? '') + SEP + (alert.source.ip ?? '') + SEP +
    (alert.destination.ip ?? '') + SEP + (alert.host.name ?? alert.host.ip?.[0] ?? '') + SEP + (alert.user.name ?? '')
  );
}

/** The rule as shown on the incident and used for novelty: its name, else its id. */
export function ruleLabel(alert: NormalizedAlert): string | undefined {
  return alert.rule.name ?? alert.rule.id;
}
